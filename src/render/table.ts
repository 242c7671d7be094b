/**
 * Borderless tables: columns separated by two spaces, a bold header, no trailing blanks — the look
 * of every table the tool draws.
 */
import type { PaintKit } from './kit.js';
import { visibleWidth } from './text.js';

/**
 * The borderless table, laid out here: each column as wide as its widest cell, colour codes not
 * counted and characters measured by io/width.ts (wide East Asian and emoji as two); two spaces
 * between columns; a cell with line breaks spans lines. For text without emoji or zero-width
 * characters that is the text cli-table3 draws with no border and no padding
 * (test/render/table.test.ts holds it to that); its string-width counts zero-width characters and
 * marks outside U+0300-036F as one column, and emoji newer than its tables as one. Drawn without
 * the table library, so only event get's bordered table loads it.
 */
export function plainTable(kit: PaintKit, head: string[], rows: string[][]): string {
  const grid = [head.map((h) => kit.color.bold(h)), ...rows].map((row) =>
    head.map((_, i) => (row[i] ?? '').split('\n')),
  );
  const widths = head.map((_, i) =>
    grid.reduce((w, row) => row[i]!.reduce((m, line) => Math.max(m, visibleWidth(line)), w), 0),
  );
  const out: string[] = [];
  for (const row of grid) {
    const height = row.reduce((h, cell) => Math.max(h, cell.length), 1);
    for (let at = 0; at < height; at++) {
      out.push(
        row
          .map((cell, i) => pad(cell[at] ?? '', widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    }
  }
  return out.join('\n');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}
