import { nextWidth, textWidth } from './width.js';

/**
 * The word wrapper of the program: greedy, lines of at most `width` terminal columns (io/width.ts),
 * broken at spaces. A word longer than a line is kept whole on its own line (`long: 'keep'`: a
 * URL or a path in a message, to be copied as it is) or cut into pieces (`long: 'cut'`: server
 * text, see splitWord). Linear in the length of the text: each word is measured once, and a word
 * that is cut, each character once.
 */
export function wrapWords(text: string, width: number, long: 'keep' | 'cut' = 'keep'): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(/ +/)) {
    const w = textWidth(word);
    if (line !== '' && lineWidth + 1 + w <= width) {
      line += ` ${word}`;
      lineWidth += 1 + w;
      continue;
    }
    if (line !== '') lines.push(line);
    if (w <= width || long === 'keep') {
      line = word;
      lineWidth = w;
      continue;
    }
    const cut = splitWord(word, width);
    for (const piece of cut.pieces) lines.push(piece);
    line = cut.rest;
    lineWidth = cut.restWidth;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** Characters after which a word longer than a line is preferably cut (URLs, paths, query strings). */
function isBreakAfter(cp: number): boolean {
  // / ? & = . _ - :
  return (
    cp === 0x2f || cp === 0x3f || cp === 0x26 || cp === 0x3d || cp === 0x2e || cp === 0x5f || cp === 0x2d || cp === 0x3a
  );
}

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
  let prev = -1;
  for (let i = 0; i < word.length; ) {
    const cp = word.codePointAt(i)!;
    const w = nextWidth(cp, prev);
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
    i += cp > 0xffff ? 2 : 1;
    prev = cp;
    if (isBreakAfter(cp)) brk = { at: i, width, count };
  }
  return { pieces, rest: word.slice(start), restWidth: width };
}
