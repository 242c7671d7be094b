/** Exit codes every command keeps (see README "Exit codes"). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  UNHEALTHY: 2,
  STALE: 3,
  USAGE: 64,
  TIMEOUT: 124,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

/**
 * An error meant for the user: one line of message, an optional hint line, and the exit code.
 * Anything thrown that is not a CliError is a bug and is reported as such (still without a stack
 * trace unless --verbose).
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  /** Machine-readable kind, for `--json` error objects and tests. */
  readonly kind: string;

  constructor(message: string, opts: { exitCode?: number; hint?: string; kind?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CliError';
    this.exitCode = opts.exitCode ?? EXIT.FAILURE;
    this.hint = opts.hint;
    this.kind = opts.kind ?? 'error';
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: EXIT.USAGE, hint, kind: 'usage' });
}
