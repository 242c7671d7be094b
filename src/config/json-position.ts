/**
 * Where JSON text stops being valid, as a line and column. A config file holds credentials, and
 * V8's parse errors quote the text around the fault ("Unexpected token 'a', "{"k": apikey:…" is
 * not valid JSON"), so the config error names the place instead. Runs only after JSON.parse has
 * failed; the walk (util/json-scan.ts) is iterative, so no nesting depth can overflow the stack.
 */
import { scanJson } from '../util/json-scan.js';

/** The offset of the first character that makes `text` invalid JSON (its length when it ends too early), or -1 when it is valid. */
export function jsonErrorOffset(text: string): number {
  return scanJson(text);
}

/** 1-based line and column of an offset (columns count UTF-16 code units, as editors mostly do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    start = k + 1;
  }
  return { line, column: offset - start + 1 };
}
