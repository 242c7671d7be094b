/**
 * Where JSON text stops being valid, as a line and column. A config file holds credentials, and
 * V8's parse errors quote the text around the fault ("Unexpected token 'a', "{"k": apikey:…" is
 * not valid JSON"), so the config error names the place instead. Runs only after JSON.parse has
 * failed; iterative, so no nesting depth can overflow the stack.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

function matchAt(re: RegExp, text: string, i: number): number {
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex : -1;
}

/** The offset of the first character that makes `text` invalid JSON (its length when it ends too early), or -1 when it is valid. */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: ('array' | 'object')[] = [];
  let i = 0;
  const skip = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** A member name and its colon; false at a fault (i is left there). */
  const key = (): boolean => {
    skip();
    const end = text[i] === '"' ? matchAt(STRING, text, i) : -1;
    if (end < 0) return false;
    i = end;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  let wantValue = true;
  for (;;) {
    skip();
    if (wantValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skip();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          wantValue = false;
          continue;
        }
        stack.push(c === '{' ? 'object' : 'array');
        if (c === '{' && !key()) return i;
        continue;
      }
      const end =
        c === '"'
          ? matchAt(STRING, text, i)
          : c === '-' || (c !== undefined && c >= '0' && c <= '9')
            ? matchAt(NUMBER, text, i)
            : matchAt(LITERAL, text, i);
      if (end < 0) return i;
      i = end;
      wantValue = false;
      continue;
    }
    const top = stack.at(-1);
    if (top === undefined) return i === n ? -1 : i;
    if (text[i] === ',') {
      i++;
      if (top === 'object' && !key()) return i;
      wantValue = true;
    } else if (text[i] === (top === 'object' ? '}' : ']')) {
      i++;
      stack.pop();
    } else return i;
  }
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
