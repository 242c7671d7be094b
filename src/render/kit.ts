/**
 * What terminal output is drawn with: cli-table3 and a chalk instance whose level follows the IO's
 * colour decision. Loaded when a command draws for a terminal, never for piped or JSON output.
 */
import type { ChalkInstance } from 'chalk';

export type TableCtor = typeof import('cli-table3');

export interface TerminalKit {
  Table: TableCtor;
  color: ChalkInstance;
}

export async function terminalKit(color: boolean): Promise<TerminalKit> {
  const [{ default: Table }, { palette }] = await Promise.all([import('cli-table3'), import('./style.js')]);
  return { Table, color: palette(color) };
}
