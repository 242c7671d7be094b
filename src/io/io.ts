/**
 * The IO object every command gets instead of touching `process` directly: streams, whether
 * they are terminals, colour, width. Tests build one with `bufferIO()` (test/helpers).
 */
export interface Writable {
  write(chunk: string): boolean | undefined;
}

export interface IO {
  stdout: Writable;
  stderr: Writable;
  /** stdout is a terminal: tables, relative times, status lines. */
  stdoutIsTTY: boolean;
  /** stderr is a terminal: in-place redrawn status lines. */
  stderrIsTTY: boolean;
  /** stdin is a terminal: prompts may be shown. */
  stdinIsTTY: boolean;
  /** Colour on stdout (decided once from flags, FORCE_COLOR, NO_COLOR and TTY). */
  color: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
  /** Width of stderr when it is a terminal of its own width (else `columns`). */
  stderrColumns?: number;
  /** Environment variables (never read process.env directly in commands). */
  env: Record<string, string | undefined>;
}

/**
 * Colour decision, in order: --color / --no-color, then FORCE_COLOR (non-empty, not "0") forces it,
 * then NO_COLOR (non-empty) turns it off, then it follows whether the stream is a TTY.
 */
export function decideColor(
  flag: boolean | undefined,
  env: Record<string, string | undefined>,
  isTTY: boolean,
): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (force === '0') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

export function processIO(colorFlag?: boolean): IO {
  const env = process.env;
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY,
    stderrIsTTY,
    // A getter: the first touch of process.stdin builds its stream (~2 ms when stdin is a file or
    // /dev/null, as under cron or CI), and only login's prompts ever ask.
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    color: decideColor(colorFlag, env, stdoutIsTTY),
    colorErr: decideColor(colorFlag, env, stderrIsTTY),
    columns: process.stdout.columns || Number(env.COLUMNS) || 80,
    stderrColumns: process.stderr.columns || process.stdout.columns || Number(env.COLUMNS) || 80,
    env,
  };
}
