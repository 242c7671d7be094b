/**
 * Text measured and cut as a terminal shows it: columns per character (wide East Asian and emoji
 * take two, combining marks none), widths of strings with colour codes in them, wrapping and
 * cutting to a width.
 */

import { cpWidth, textWidth } from '../io/width.js';

export { textWidth };

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a string takes once its colour codes are removed. */
export function visibleWidth(s: string): number {
  return textWidth(s.replace(SGR, ''));
}

/** The widest line of a block of text, colour codes ignored. */
export function widest(text: string): number {
  return text.split('\n').reduce((m, l) => Math.max(m, visibleWidth(l)), 0);
}

/** At most `max` characters: longer text is cut and ends in `…`. */
export function cut(text: string, max: number): string {
  const cps = Array.from(text);
  if (max <= 1) return '';
  return cps.length <= max ? text : `${cps.slice(0, max - 1).join('')}…`;
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

/** Characters after which a word longer than a line is preferably cut (URLs, paths, query strings). */
const BREAK_AFTER = '/?&=._-:';

/**
 * Cut a word wider than `cols` columns into pieces of at most `cols` columns, in one pass: each
 * piece ends after one of / ? & = . _ - : when that keeps more than half of the piece; a
 * character wider than the line is a piece of its own. The last piece is returned apart (more
 * words may follow it on its line).
 */
function splitWord(word: string, cols: number): { pieces: string[]; rest: string; restWidth: number } {
  const pieces: string[] = [];
  let start = 0; // index of the current piece in `word`
  let width = 0; // its columns
  let count = 0; // its code points
  let brk: { at: number; width: number; count: number } | undefined; // just after its last break character
  for (let i = 0; i < word.length; ) {
    const cp = word.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const w = cpWidth(cp);
    if (width + w > cols && count > 0) {
      const cutAt = brk && brk.count > count / 2 ? brk : { at: i, width, count };
      pieces.push(word.slice(start, cutAt.at));
      start = cutAt.at;
      width -= cutAt.width;
      count -= cutAt.count;
      brk = undefined;
      continue; // the same character again, against the new piece
    }
    width += w;
    count++;
    i += len;
    if (BREAK_AFTER.includes(String.fromCodePoint(cp))) brk = { at: i, width, count };
  }
  return { pieces, rest: word.slice(start), restWidth: width };
}

/**
 * Wrap (already sanitised) text to `cols` columns. Line breaks are kept; a line that fits is
 * kept as it is (alignment inside it survives); a longer one is wrapped at spaces with its
 * leading indentation repeated on continuation lines; a word longer than a line is cut.
 * Linear in the length of the text: each character is measured once (and line ends are trimmed
 * with trimEnd: /\s+$/ is quadratic on a long run of spaces that does not end the line).
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
    const avail = max - lead.length;
    let cur = '';
    let curWidth = 0;
    for (const word of line.trimStart().split(/ +/)) {
      const w = textWidth(word);
      if (cur && curWidth + 1 + w <= avail) {
        cur += ` ${word}`;
        curWidth += 1 + w;
        continue;
      }
      if (cur) out.push(lead + cur);
      if (w <= avail) {
        cur = word;
        curWidth = w;
        continue;
      }
      const { pieces, rest, restWidth } = splitWord(word, avail);
      for (const p of pieces) out.push(lead + p);
      cur = rest;
      curWidth = restWidth;
    }
    if (cur) out.push(lead + cur);
  }
  return out;
}
