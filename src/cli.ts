/**
 * The command tree, and what happens around a run: every command is built by its own constructor
 * (src/commands/…), parsed by commander, run in a context made from the global flags; whatever goes
 * wrong becomes one printed error and its exit code (README "Exit codes").
 */
import { Command, CommanderError } from 'commander';
import type { ClientOptions } from './api/client.js';
import { newCmdStatus as newCmdAuthStatus } from './commands/auth/status.js';
import { newCmdCheck } from './commands/check.js';
import { newCmdComplete, newCmdCompletion } from './commands/completion.js';
import { newCmdGet } from './commands/event/get.js';
import { newCmdIncidents } from './commands/event/incidents.js';
import { newCmdList } from './commands/event/list.js';
import { newCmdTimeline } from './commands/event/timeline.js';
import { newCmdWatch } from './commands/event/watch.js';
import { newCmdExporter } from './commands/exporter.js';
import { type Factory, globalFlags, type RunMode } from './commands/factory.js';
import { commanderProblem, examples } from './commands/flags.js';
import { newCmdLogin } from './commands/login.js';
import { newCmdLogout } from './commands/logout.js';
import { newCmdProfileList } from './commands/profile/list.js';
import { newCmdProfileUse } from './commands/profile/use.js';
import { newCmdSimulate } from './commands/simulate.js';
import { newCmdStatus } from './commands/status.js';
import { newCmdVersion } from './commands/version.js';
import { makeContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { type IO, processIO } from './io/io.js';
import { createPrinter, type Printer } from './io/printer.js';
import { createProgress } from './io/progress.js';
import { createScrubber, type Scrubber, scrubbedIO } from './io/secrets.js';
import { wrapWords } from './io/wrap.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

/** Help is wrapped to the terminal, but never wider than this (the help text is pre-rendered at this width). */
export const HELP_WIDTH = 80;

type RequestProgressCallback = NonNullable<ClientOptions['progress']>;

const GLOBAL_OPTIONS: [flags: string, help: string][] = [
  ['--host <url>', 'Feldera instance URL (env FELDERA_HOST; default http://127.0.0.1:8080)'],
  ['--profile <name>', 'stored profile to use (env CLUSTER_PROFILE)'],
  ['--tenant <tenant>', 'acting tenant, sent as Feldera-Tenant (env FELDERA_TENANT)'],
  ['--insecure', 'skip TLS certificate verification (env FELDERA_TLS_INSECURE)'],
  ['--ca-cert <file>', 'extra PEM CA bundle (env FELDERA_HTTPS_TLS_CERT)'],
  ['--request-timeout <seconds>', 'per-request timeout, default 10 (env FELDERA_REQUEST_TIMEOUT)'],
  ['--retries <n>', 'retries for transient failures, default 3 (env FELDERA_RETRIES)'],
  ['--color', 'force colour output'],
  ['--no-color', 'disable colour output (also NO_COLOR)'],
  ['--verbose', 'trace requests and decisions on stderr (never secrets)'],
];

/** The root: name, version, the global flags every command takes, the overview help. */
export function rootCommand(): Command {
  const program = new Command('cluster')
    .description(
      'Watch the health of a Feldera instance: its cluster monitor events, at a terminal, in scripts, in watch loops.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  for (const [flags, help] of GLOBAL_OPTIONS) program.option(flags, help);
  return program.addHelpText(
    'after',
    examples(
      'cluster login                              store a host and key (verified)',
      'cluster event get latest                   the latest check of all services',
      'cluster event get latest --json | jq .all_healthy',
      'cluster event list --since 6h --unhealthy  what went wrong in the last 6 h',
      'cluster event watch                        every change, without gaps',
      'cluster status                             is it healthy now? (exit code)',
      'cluster check --profile prod               a Nagios / Icinga plugin',
      'cluster exporter --all-profiles            metrics for Prometheus (port 9464)',
      'cluster completion bash                    shell completion script',
      'cluster simulate --port 0                  a Feldera-like server on loopback',
    ) +
      '\n\nExit codes: 0 ok/healthy, 1 failed, 2 not all healthy, 3 stale, 64 usage,\n            124 timeout, 130 interrupted.',
  );
}

/** A noun that groups verbs (`event`, `profile`, `auth`), with its own examples. */
function noun(name: string, description: string, verbs: Command[], ...lines: string[]): Command {
  const cmd = new Command(name).description(description).addHelpText('after', examples(...lines));
  for (const v of verbs) cmd.addCommand(v);
  return cmd;
}

/** The top-level commands by name (aliases too), each built on demand; `__complete` needs them all. */
function topLevel(f: Factory): { names: string[]; build: () => Command; hidden?: boolean }[] {
  return [
    { names: ['simulate'], build: () => newCmdSimulate(f) },
    { names: ['login'], build: () => newCmdLogin(f) },
    { names: ['logout'], build: () => newCmdLogout(f) },
    {
      names: ['profile'],
      build: () =>
        noun(
          'profile',
          'list and choose stored profiles',
          [newCmdProfileList(f), newCmdProfileUse(f)],
          'cluster profile list',
          'cluster profile use prod',
          'CLUSTER_PROFILE=staging cluster status     (one command only)',
        ),
    },
    {
      names: ['auth'],
      build: () =>
        noun(
          'auth',
          'inspect authentication',
          [newCmdAuthStatus(f)],
          'cluster auth status',
          'cluster auth status --profile prod --json | jq .server',
        ),
    },
    {
      names: ['event', 'events'],
      build: () =>
        noun(
          'event',
          'read cluster monitor events',
          [newCmdGet(f), newCmdList(f), newCmdIncidents(f), newCmdTimeline(f), newCmdWatch(f)],
          'cluster event get latest',
          'cluster event list --since 6h --unhealthy',
          'cluster event incidents --service compiler',
          'cluster event watch --until healthy --timeout 5m',
        ).alias('events'),
    },
    { names: ['status'], build: () => newCmdStatus(f) },
    { names: ['check'], build: () => newCmdCheck(f) },
    { names: ['version'], build: () => newCmdVersion(f) },
    { names: ['exporter'], build: () => newCmdExporter(f) },
    { names: ['completion'], build: () => newCmdCompletion(f) },
    { names: [], build: () => newCmdComplete(f), hidden: true },
  ];
}

/**
 * The command tree. Given the command line, and its first word names a command, only that
 * command's branch is built: the rest would cost a run ~3 ms (Node 24) to ~5 ms (Node 20) for
 * nothing. Anything else — no word, an option first, a typo, `help`, `__complete` — gets the whole
 * tree, so root help, suggestions and completion see every command.
 */
export function buildProgram(f: Factory, args?: readonly string[]): Command {
  const program = rootCommand();
  const all = topLevel(f);
  const first = args?.[0];
  const only = first === undefined ? undefined : all.find((c) => c.names.includes(first));
  for (const c of only ? [only] : all) program.addCommand(c.build(), { hidden: c.hidden ?? false });
  return program;
}

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const FOLDED_GLOBALS = [
  '',
  ...wrapWords(`Global options (see \`cluster --help\`): ${GLOBAL_OPTIONS.map(([f]) => f).join(', ')}`, 78),
].join('\n');

/**
 * Every command of the tree: errors thrown to `execute` instead of exiting, help to the IO's
 * streams, suggestions for typos, and — below the root — the global options folded into one line
 * after the command's own options and examples.
 */
function prepare(
  cmd: Command,
  io: Pick<IO, 'stdout' | 'stderr' | 'columns' | 'stderrColumns'>,
  errors: { path: string; text: string }[],
): void {
  cmd.exitOverride().showSuggestionAfterError(true);
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    getOutHelpWidth: () => Math.min(HELP_WIDTH, io.columns),
    getErrHelpWidth: () => Math.min(HELP_WIDTH, io.stderrColumns ?? io.columns),
    outputError: (text) => errors.push({ path: pathOf(cmd), text }),
  });
  if (cmd.parent && cmd.commands.length === 0) cmd.addHelpText('after', FOLDED_GLOBALS);
  for (const sub of cmd.commands) prepare(sub, io, errors);
}

function usageHint(path: string): string {
  return `run \`${path} --help\` for usage${path === 'cluster' ? '' : ', `cluster --help` for every command'}`;
}

/** The command an argv names (`cluster event get`), as far as its words match the tree. */
function commandPath(program: Command, argv: string[]): string {
  let cmd = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    cmd = sub;
  }
  return pathOf(cmd);
}

/** What a run leaves for `execute`: its exit code, whether it printed JSON, its printer. */
export interface RunState {
  code: number;
  json: boolean;
  printer?: Printer;
  /** What ended the run, when something did (kept for tests; it has been printed). */
  error?: unknown;
  /** Scrubs every write of secrets; the run's context adds the credentials it learns of. */
  scrubber?: Scrubber;
}

/** Parse and run; every failure becomes one printed error (with a hint) and its exit code. */
export async function execute(program: Command, argv: string[], rawIO: IO, state: RunState): Promise<number> {
  state.scrubber ??= createScrubber();
  const io = scrubbedIO(rawIO, state.scrubber);
  const errors: { path: string; text: string }[] = [];
  const printer = () => state.printer ?? createPrinter(io);
  // A usage error found while parsing comes before the command knows it prints JSON: `--json` on
  // the command line is enough for the error object on stdout too.
  const json = () =>
    state.json || argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--json');
  prepare(program, io, errors);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (e) {
    state.error = e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.OK;
      const err = errors.at(-1);
      const { message, hint } = commanderProblem(err?.text ?? e.message, usageHint(err?.path ?? 'cluster'));
      printer().error({ message, hint, kind: 'usage', exitCode: EXIT.USAGE }, { json: json() });
      return EXIT.USAGE;
    }
    if (e instanceof CliError) {
      const hint = e.hint ?? (e.exitCode === EXIT.USAGE ? usageHint(commandPath(program, argv)) : undefined);
      printer().error({ message: e.message, hint, kind: e.kind, exitCode: e.exitCode }, { json: json() });
      return e.exitCode;
    }
    const err = e as Error;
    printer().error({
      message: `unexpected failure: ${err?.message ?? String(e)}`,
      hint: 'this is a bug in cluster; run again with --verbose and report it',
      kind: 'bug',
      exitCode: EXIT.FAILURE,
    });
    if (argv.includes('--verbose') && err?.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT.FAILURE;
  }
}

/** `--color` / `--no-color` as typed, before (or without) a successful parse. */
function colorFlag(argv: string[]): boolean | undefined {
  const last = argv.filter((a) => a === '--color' || a === '--no-color').at(-1);
  return last === undefined ? undefined : last === '--color';
}

/** `cluster --help` as the program prints it where the terminal is at least HELP_WIDTH wide (the build stores it: bin/cluster.js prints it without loading the program). */
export function rootHelp(): string {
  let text = '';
  const program = buildProgram({ run: async () => undefined });
  program.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => HELP_WIDTH });
  program.outputHelp();
  return text;
}

/**
 * A long-running command (watch, simulate) stops cleanly on Ctrl-C / SIGTERM: the signal aborts
 * its context's signal, and a second one ends the process at once. A one-shot command installs no
 * handler, so the signal ends it at once by the default action (the shell shows 130 / 143) — a
 * handler would have to wait until a long synchronous step (parsing or printing a large answer)
 * let it run.
 */
function stopOnSignals(controller: AbortController): void {
  for (const [sig, exit] of [
    ['SIGINT', EXIT.SIGINT],
    ['SIGTERM', EXIT.SIGTERM],
  ] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(exit);
      controller.abort(sig);
    });
  }
}

/**
 * The spinner of slow requests on stderr. While it shows, the process waits on the network, so a
 * handler can erase it before Ctrl-C / SIGTERM end the process (otherwise no handler is installed).
 */
function terminalProgress(io: IO): RequestProgressCallback {
  const signals = [
    ['SIGINT', EXIT.SIGINT],
    ['SIGTERM', EXIT.SIGTERM],
  ] as const;
  const handlers = signals.map(
    ([sig, exit]) =>
      [
        sig,
        () => {
          p.clear();
          process.exit(exit);
        },
      ] as const,
  );
  const p = createProgress({
    write: (s) => io.stderr.write(s),
    columns: io.stderrColumns ?? io.columns,
    onShown: (shown) => {
      for (const [sig, h] of handlers) {
        if (shown) process.on(sig, h);
        else process.off(sig, h);
      }
    },
  });
  return (e) => p.report(e);
}

/** The process: real streams, signals, a closed stdout pipe, the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const state: RunState = { code: EXIT.OK, json: false };
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(state.code);
    throw e;
  });
  // stderr gone — a closed pipe (EPIPE), a full disk (ENOSPC), a closed descriptor: nothing more
  // can be said there, and the exit code stays what the run decided (a usage error stays 64).
  process.stderr.on('error', () => {});
  const f: Factory = {
    async run(cmd, runF, opts, mode: RunMode = {}) {
      const flags = globalFlags(cmd);
      state.json = mode.json ?? false;
      const controller = new AbortController();
      if (mode.longRunning) stopOnSignals(controller);
      const io = processIO(flags.color);
      state.scrubber ??= createScrubber();
      const scrubber = state.scrubber;
      // The spinner writes through the same credential filter as everything else (it quotes retry reasons).
      const progress =
        io.stdoutIsTTY && io.stderrIsTTY && !flags.verbose && !mode.longRunning
          ? terminalProgress(scrubbedIO(io, scrubber))
          : undefined;
      const ctx = makeContext({ io, flags, signal: controller.signal, scrubber, progress });
      state.printer = ctx.printer;
      state.code = await runF(opts, ctx);
    },
  };
  return execute(buildProgram(f, args), args, processIO(colorFlag(args)), state);
}
