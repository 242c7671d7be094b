/**
 * Greedy word wrap for plain prose (messages, hints, summaries): lines of at most `width` columns,
 * broken at spaces only; a word longer than a line (a URL) stays whole on its own line. Linear in
 * the length of the text.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
