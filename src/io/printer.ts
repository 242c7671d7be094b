/**
 * The one way anything but data reaches stderr: errors (`error:` and a `hint:` line), warnings,
 * notes and --verbose traces. Every line is sanitised (server text may be in it) and, at a
 * terminal, wrapped at word boundaries to its width. With `--json`, an error is also written to
 * stdout as `{"error": {kind, message, hint, exit_code}}`, so stdout stays one JSON document.
 *
 * Colour is plain SGR (red `error:`, yellow `warning:`, dim hints), decided by `io.colorErr`, so
 * an error path loads no colour library.
 */
import type { IO } from './io.js';
import { sanitizeLine } from './sanitize.js';
import { textWidth } from './width.js';
import { wrapWords } from './wrap.js';

export interface Problem {
  message: string;
  hint?: string | undefined;
  kind: string;
  exitCode: number;
}

export interface Printer {
  /** An error: message and hint on stderr (and the JSON object on stdout with `json`). */
  error(p: Problem, opts?: { json?: boolean }): void;
  /** `warning: …` */
  warn(text: string): void;
  /** A plain line: empty results, notes. */
  note(text: string): void;
  /** `* …`, only with --verbose. */
  verbose(line: string): void;
}

const SGR = {
  red: ['\u001b[31m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
} as const;

/**
 * `label text` as it goes to stderr: each line of `text` sanitised and, at a terminal, wrapped at
 * word boundaries under the label. `painted` is the label as shown (coloured or not).
 */
export function stderrBlock(
  io: Pick<IO, 'stderrIsTTY' | 'stderrColumns' | 'columns'>,
  label: string,
  painted: string,
  text: string,
): string[] {
  const width = io.stderrIsTTY ? Math.max(20, (io.stderrColumns ?? io.columns) - 1) : Infinity;
  const labelWidth = textWidth(label);
  const pad = ' '.repeat(labelWidth);
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = sanitizeLine(raw);
    const wrapped =
      Number.isFinite(width) && labelWidth + textWidth(line) > width ? wrapWords(line, width - labelWidth) : [line];
    for (const [j, w] of wrapped.entries()) {
      if (i === 0) out.push(j === 0 ? `${painted}${w}` : `${pad}${w}`);
      else out.push(w);
    }
  });
  return out;
}

export function paintErr(io: Pick<IO, 'colorErr'>, c: keyof typeof SGR, s: string): string {
  return io.colorErr ? SGR[c][0] + s + SGR[c][1] : s;
}

export function createPrinter(io: IO, opts: { verbose?: boolean } = {}): Printer {
  const paint = (c: keyof typeof SGR, s: string) => paintErr(io, c, s);
  const write = (label: string, painted: string, text: string, dim = false) => {
    const out = stderrBlock(io, label, painted, text);
    io.stderr.write(`${(dim ? out.map((l) => paint('dim', l)) : out).join('\n')}\n`);
  };

  return {
    error(p, o = {}) {
      write('error: ', `${paint('red', 'error:')} `, p.message);
      if (p.hint) write('hint: ', 'hint: ', p.hint, true);
      if (o.json) {
        const error = {
          kind: p.kind,
          message: sanitizeLine(p.message),
          hint: p.hint === undefined ? null : sanitizeLine(p.hint),
          exit_code: p.exitCode,
        };
        io.stdout.write(`${JSON.stringify({ error })}\n`);
      }
    },
    warn: (text) => write('warning: ', `${paint('yellow', 'warning:')} `, text),
    note: (text) => write('', '', text),
    verbose: (line) => {
      if (opts.verbose) io.stderr.write(`* ${sanitizeLine(line)}\n`);
    },
  };
}
