/**
 * Text measured and cut as a terminal shows it: columns per character (wide East Asian and emoji
 * take two, combining marks none), widths of strings with colour codes in them, wrapping and
 * cutting to a width.
 */

import { fitWidth, textWidth } from '../io/width.js';
import { wrapWords } from '../io/wrap.js';

export { textWidth };

const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a string takes once its colour codes are removed. */
export function visibleWidth(s: string): number {
  return textWidth(s.replace(SGR, ''));
}

/** The widest line of a block of text, colour codes ignored. */
export function widest(text: string): number {
  return text.split('\n').reduce((m, l) => Math.max(m, visibleWidth(l)), 0);
}

/** At most `max` columns: longer text is cut and ends in `…`. */
export function cut(text: string, max: number): string {
  if (max <= 1) return '';
  return textWidth(text) <= max ? text : `${fitWidth(text, max - 1)}…`;
}

/** Feldera cuts every info text at 8,192 characters, adding a suffix that says so (58 characters). */
export const FELDERA_TEXT_CAP = 8192;
const FELDERA_SUFFIX_ROOM = 64;

/**
 * Server text for a person: at most `max` characters (code points). Text longer than Feldera
 * ever sends (its cap plus its own truncation suffix) did not come from Feldera; it is cut, with a
 * marker saying how long it was, so that a hostile answer cannot keep the terminal busy.
 */
export function capText(text: string, max = FELDERA_TEXT_CAP): string {
  if (text.length <= max + FELDERA_SUFFIX_ROOM) return text;
  let count = 0;
  let cutAt = -1;
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) {
    if (count === max) cutAt = i;
    count++;
  }
  if (count <= max + FELDERA_SUFFIX_ROOM) return text;
  return `${text.slice(0, cutAt)} … [cut by cluster: ${count.toLocaleString('en-US')} characters in all; --json shows the whole text]`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Wrap (already sanitised) text to `cols` columns. Line breaks are kept; a line that fits is
 * kept as it is (alignment inside it survives); a longer one is wrapped at spaces (io/wrap.ts)
 * with its leading indentation repeated on continuation lines; a word longer than a line is cut.
 * Linear in the length of the text (line ends are trimmed with trimEnd: /\s+$/ is quadratic on a
 * long run of spaces that does not end the line).
 */
export function wrapText(text: string, cols: number): string[] {
  const out: string[] = [];
  const max = Math.max(cols, 10);
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (textWidth(line) <= max) {
      out.push(line);
      continue;
    }
    let lead = /^ */.exec(line)![0];
    if (lead.length > max / 2) lead = lead.slice(0, Math.floor(max / 2));
    for (const l of wrapWords(line.trimStart(), max - lead.length, 'cut')) out.push(lead + l);
  }
  return out;
}

/**
 * At most `max` columns of text, cut after a whole word: `Healthy: The api service…`. Text that
 * fits is kept; when not even the first word fits, it is cut like `cut` does (a word wider than
 * the room there is).
 */
export function cutWords(text: string, max: number): string {
  if (textWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const word of text.split(/ +/)) {
    const w = textWidth(word);
    const next = out === '' ? w : width + 1 + w;
    if (next + 1 > max) break;
    out = out === '' ? word : `${out} ${word}`;
    width = next;
  }
  return out === '' ? cut(text, max) : `${out}…`;
}

export interface FlowOptions {
  /** Between two items on a line (default two spaces). */
  sep?: string;
  /** Before the first line (default none). */
  indent?: string;
  /** Before every later line (default the indent and two spaces). */
  hang?: string;
}

/**
 * Items laid out on lines of at most `width` columns, for a terminal too narrow for a table: as
 * many items on a line as fit, separated by `sep`; the next one starts a line of its own, indented
 * by `hang`. An item wider than a line is wrapped at its spaces. No word is cut in two: a word
 * that does not fit after the indentation takes some of it, and only a word wider than the whole
 * width is cut, ending in `…`. Items may be painted (colour codes are not counted).
 */
export function flow(items: readonly string[], width: number, opts: FlowOptions = {}): string[] {
  const sep = opts.sep ?? '  ';
  const indent = opts.indent ?? '';
  const hang = opts.hang ?? `${indent}  `;
  const out: string[] = [];
  let line = '';
  let used = -1; // columns of `line`; -1 before the first item
  const place = (text: string, w: number, join: string) => {
    if (used >= 0 && used + join.length + w <= width) {
      line += join + text;
      used += join.length + w;
      return;
    }
    if (used >= 0) out.push(line);
    const lead = (out.length === 0 ? indent : hang).slice(0, Math.max(0, width - w));
    line = lead + text;
    used = lead.length + w;
  };
  for (const item of items) {
    const w = visibleWidth(item);
    const room = used >= 0 ? width - used - sep.length : width - indent.length;
    if (w <= room || w <= width - hang.length) {
      place(item, w, sep);
      continue;
    }
    item
      .split(/ +/)
      .filter((word) => word !== '')
      .forEach((word, k) => {
        const plain = visibleWidth(word) > width ? cut(word.replace(SGR, ''), width) : word;
        place(plain, visibleWidth(plain), k === 0 ? sep : ' ');
      });
  }
  if (used >= 0) out.push(line);
  return out.map((l) => l.trimEnd());
}
