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
