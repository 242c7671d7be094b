/**
 * JSON for `--json`: the server's values exactly as they arrived (key order kept, strings
 * untouched), pretty and coloured for a person at a terminal, one compact line for a pipe.
 *
 * Strings are escaped as JSON.stringify escapes them, plus DEL, C1 controls, bidi overrides and the
 * line/paragraph separators, which JSON allows raw but a terminal may act on: the escaped form
 * parses back to the identical value. No dependencies (colour is plain SGR), so a piped
 * `--json` run loads nothing else.
 */
import { CliError } from '../errors.js';
import type { IO } from '../io/io.js';

/** Deeper values are refused rather than printed: the printer recurses once per level. */
export const MAX_PRINT_DEPTH = 256;

export interface JsonFormat {
  /** Indented over several lines (at a terminal) rather than one compact line. */
  pretty?: boolean;
  /** ANSI colours for keys, strings, numbers, booleans and null. */
  color?: boolean;
  /** Spaces per level when pretty (default 2). */
  indent?: number;
}

const RISKY = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeRisky = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A JSON string literal, safe to print to a terminal. */
export function jsonString(s: string): string {
  return JSON.stringify(s).replace(RISKY, escapeRisky);
}

const SGR = {
  key: ['\u001b[34;1m', '\u001b[39;22m'],
  string: ['\u001b[32m', '\u001b[39m'],
  number: ['\u001b[36m', '\u001b[39m'],
  boolean: ['\u001b[33m', '\u001b[39m'],
  null: ['\u001b[2m', '\u001b[22m'],
} as const;

type Kind = keyof typeof SGR;

/**
 * Compact and plain, the engine's own JSON.stringify gives the same text in one piece (a large
 * answer is not built again from parts); undefined where it cannot (a bigint, a cycle, a value
 * too deep for it), and the walker below decides.
 */
function compactJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)?.replace(RISKY, escapeRisky);
  } catch {
    return undefined;
  }
}

/** Format a parsed JSON value. Values that JSON cannot hold (undefined, functions) are dropped as JSON.stringify drops them. */
export function formatJson(value: unknown, opts: JsonFormat = {}, pad = ''): string {
  if (!opts.pretty && !opts.color) {
    const flat = compactJson(value);
    if (flat !== undefined) return flat;
  }
  const pretty = opts.pretty ?? false;
  const step = pretty ? ' '.repeat(opts.indent ?? 2) : '';
  const paint = opts.color ? (kind: Kind, s: string) => SGR[kind][0] + s + SGR[kind][1] : (_k: Kind, s: string) => s;
  const colon = pretty ? ': ' : ':';

  const write = (v: unknown, pad: string, depth = 0): string | undefined => {
    if (v === null) return paint('null', 'null');
    switch (typeof v) {
      case 'string':
        return paint('string', jsonString(v));
      case 'number':
        return paint('number', Number.isFinite(v) ? String(v) : 'null');
      case 'boolean':
        return paint('boolean', String(v));
      case 'bigint':
        return paint('number', v.toString());
      case 'object':
        break;
      default:
        return undefined;
    }
    const obj = v as { toJSON?: () => unknown };
    if (typeof obj.toJSON === 'function') return write(obj.toJSON(), pad, depth);
    // Answers are refused past 64 levels when they arrive (api/limits.ts); this keeps any other value off the stack's edge.
    if (depth >= MAX_PRINT_DEPTH)
      throw new CliError(`cannot print JSON nested more than ${MAX_PRINT_DEPTH} levels deep`, {
        kind: 'invalid-response',
      });
    const inner = pad + step;
    const nl = pretty ? '\n' : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const items = v.map((item) => write(item, inner, depth + 1) ?? paint('null', 'null'));
      return `[${nl}${items.map((i) => inner + i).join(`,${nl}`)}${nl}${pad}]`;
    }
    const parts: string[] = [];
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const text = write(item, inner, depth + 1);
      if (text !== undefined) parts.push(`${inner}${paint('key', jsonString(k))}${colon}${text}`);
    }
    if (parts.length === 0) return '{}';
    return `{${nl}${parts.join(`,${nl}`)}${nl}${pad}}`;
  };
  return write(value, pad) ?? 'null';
}

/** How `--json` output looks on this IO: pretty at a terminal, compact when piped; colour as decided for stdout. */
export function jsonFormatFor(io: Pick<IO, 'stdoutIsTTY' | 'color'>): JsonFormat {
  return { pretty: io.stdoutIsTTY, color: io.color && io.stdoutIsTTY };
}

/** Write one JSON document (and a newline) to stdout, formatted for where stdout goes. */
export function writeJson(io: Pick<IO, 'stdout' | 'stdoutIsTTY' | 'color'>, value: unknown): void {
  const f = jsonFormatFor(io);
  if (!f.pretty || !Array.isArray(value) || value.length === 0) {
    // Two writes: `text + '\n'` would copy a large text once more.
    io.stdout.write(formatJson(value, f));
    io.stdout.write('\n');
    return;
  }
  // A list at a terminal goes out element by element: the whole text is never held at once.
  const pad = ' '.repeat(f.indent ?? 2);
  io.stdout.write('[\n');
  for (const [i, item] of value.entries()) {
    // As JSON.stringify writes an array: undefined and functions become null.
    const text = item === undefined || typeof item === 'function' ? formatJson(null, f) : formatJson(item, f, pad);
    io.stdout.write(`${pad}${text}${i < value.length - 1 ? ',' : ''}\n`);
  }
  io.stdout.write(']\n');
}
