import { textWidth } from './width.js';

/**
 * Greedy word wrap for plain prose (messages, hints, summaries): lines of at most `width` terminal
 * columns (io/width.ts), broken at spaces only; a word longer than a line (a URL, a path) stays
 * whole on its own line, to be copied as it is — render/text.ts wrapText, for server text, cuts it
 * instead. Linear in the length of the text.
 */
export function wrapWords(text: string, width: number): string[] {
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
    line = word;
    lineWidth = w;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
