/**
 * Commands in-process, the way the CLI runs them: argv parsed by the command's own constructor
 * under the real root (global flags, error mapping, printer), then its run in a test context (a
 * buffer IO, an injected clock). Parse-only tests pass a runF that keeps the typed options.
 */
import type { Command } from 'commander';
import { execute, type RunState, rootCommand } from '../../src/cli.js';
import { type Factory, globalFlags, type Run } from '../../src/commands/factory.js';
import { type ContextInit, makeContext } from '../../src/context.js';
import { CliError } from '../../src/errors.js';
import type { IO } from '../../src/io/io.js';
import { type BufferIO, bufferIO } from './io.js';
import { simClockForArgv } from './sim-clock.js';

export type NewCmd<O> = (f: Factory, runF?: Run<O>) => Command;

/** Flags named as in code (`{ since: '6h', unhealthy: true, verify: false }`) → argv (`--since 6h --unhealthy --no-verify`). */
export function argvOf(flags: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) out.push(flag);
    else if (value === false) out.push(`--no-${flag.slice(2)}`);
    else if (Array.isArray(value)) for (const v of value) out.push(flag, String(v));
    else out.push(flag, String(value));
  }
  return out;
}

export interface Invoked<O> {
  code: number;
  /** The typed options the constructor built (undefined when parsing failed). */
  opts?: O;
  /** The CliError that ended the run, if one did (it was printed, as the CLI does). */
  error?: CliError;
  io: BufferIO | IO;
  out: string;
  err: string;
}

export interface InvokeOptions<O> extends Omit<ContextInit, 'io' | 'flags'> {
  io?: BufferIO | IO;
  /** Instead of the command's run (parse-only tests). */
  runF?: Run<O>;
}

function isBuffer(io: BufferIO | IO): io is BufferIO {
  return 'out' in io && 'err' in io;
}

export async function invoke<O>(newCmd: NewCmd<O>, argv: string[], t: InvokeOptions<O> = {}): Promise<Invoked<O>> {
  const io = t.io ?? bufferIO();
  const state: RunState = { code: 0, json: false };
  let opts: O | undefined;
  const f: Factory = {
    async run(cmd, runF, o, mode = {}) {
      opts = o as unknown as O;
      state.json = mode.json ?? false;
      const ctx = makeContext({
        io,
        flags: globalFlags(cmd),
        // Against a simulator, a local clock that agrees with it (helpers/sim-clock.ts).
        clock: t.clock ?? simClockForArgv(argv, io.env),
        signal: t.signal,
        runTokenCommand: t.runTokenCommand,
        scrubber: state.scrubber,
      });
      state.printer = ctx.printer;
      state.code = await (t.runF ?? runF)(o as unknown as O & typeof o, ctx);
    },
  };
  const program = rootCommand();
  const cmd = newCmd(f);
  program.addCommand(cmd);
  const code = await execute(program, [cmd.name(), ...argv], io, state);
  const error = state.error instanceof CliError ? state.error : undefined;
  if (
    state.error !== undefined &&
    !(state.error instanceof CliError) &&
    !(state.error as { code?: string }).code?.startsWith('commander.')
  )
    throw state.error;
  const recorded = isBuffer(io) ? { out: io.out(), err: io.err() } : { out: '', err: '' };
  return { code, opts, error, io, ...recorded };
}

/** The typed options argv parses to (a parse failure throws, with what was printed). */
export async function parse<O>(newCmd: NewCmd<O>, argv: string[]): Promise<O> {
  const r = await invoke(newCmd, argv, { runF: async () => 0 });
  if (r.opts === undefined) throw new Error(`parse failed (${r.code}): ${r.err}`);
  return r.opts;
}

/** Argv that must not parse: exit 64 and the one-line error. */
export async function parseFails<O>(
  newCmd: NewCmd<O>,
  argv: string[],
): Promise<{ code: number; err: string; opts?: O }> {
  const r = await invoke(newCmd, argv, { runF: async () => 0 });
  return { code: r.code, err: r.err, opts: r.opts };
}

/** The exit code, or the CliError that ended the run (printed too, as the CLI does); a commander usage error becomes one. */
export async function runOrThrow<O>(newCmd: NewCmd<O>, argv: string[], t: InvokeOptions<O> = {}): Promise<number> {
  const r = await invoke(newCmd, argv, t);
  if (r.error) throw r.error;
  if (r.opts === undefined && r.code !== 0)
    throw new CliError(r.err.split('\n')[0]!.replace(/^error: /, ''), { exitCode: r.code, kind: 'usage' });
  return r.code;
}
