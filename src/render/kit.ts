/**
 * What terminal output is drawn with: a chalk instance whose level follows the IO's colour
 * decision, and cli-table3 where a command draws a bordered or custom table. Loaded when a command
 * draws, never for JSON output.
 */
import type { ChalkInstance } from 'chalk';

export type TableCtor = typeof import('cli-table3');

/** Painting alone: enough for text and the borderless tables (render/table.ts), which need no table library. */
export interface PaintKit {
  color: ChalkInstance;
}

export interface TerminalKit extends PaintKit {
  Table: TableCtor;
}

export async function paintKit(color: boolean): Promise<PaintKit> {
  const { palette } = await import('./style.js');
  return { color: palette(color) };
}

/** Painting and cli-table3, for the bordered and custom tables (event get, profile list). */
export async function terminalKit(color: boolean): Promise<TerminalKit> {
  const [{ default: Table }, kit] = await Promise.all([import('cli-table3'), paintKit(color)]);
  return { Table, ...kit };
}
