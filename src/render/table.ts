/**
 * Borderless tables (cli-table3): columns separated by two spaces, a bold header, no trailing
 * blanks — the look of every table the tool draws.
 */
import type { TerminalKit } from './kit.js';

export const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

export function plainTable(kit: TerminalKit, head: string[], rows: string[][]): string {
  const t = new kit.Table({
    chars: NO_BORDER,
    head: head.map((h) => kit.color.bold(h)),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const r of rows) t.push(r);
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
