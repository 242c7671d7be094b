/**
 * How a command runs: its constructor (`newCmdX(f, runF)`) builds its own commander `Command` —
 * flags, help, examples, validation — into a typed options object and hands it to `f.run`, which
 * calls `runF(opts, ctx)` in a context made from the global flags. `runF` defaults to the
 * command's `run`; parse-only tests pass one that keeps the options instead (as gh's
 * `NewCmdX(f, runF)` does).
 */
import type { Command } from 'commander';
import type { GlobalFlags } from '../config/connection.js';
import type { Context } from '../context.js';

export type Run<O> = (opts: O, ctx: Context) => Promise<number>;

export interface RunMode {
  /** Ctrl-C / SIGTERM abort `ctx.signal` instead of ending the process at once (watch, simulate). */
  longRunning?: boolean;
  /** With the command's `--json`: an error is written to stdout as JSON too. */
  json?: boolean;
}

export interface Factory {
  run<O>(cmd: Command, runF: Run<O>, opts: O, mode?: RunMode): Promise<void>;
}

/** The global flags, as the root command parsed them. */
export function globalFlags(cmd: Command): GlobalFlags {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts<GlobalFlags>();
}
