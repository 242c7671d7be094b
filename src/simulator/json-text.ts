/**
 * `serde_json::Value` read from a body and written back with `Display`, as Feldera's monitor quotes
 * a service's error body in an `Unhealthy:` text. Feldera builds serde_json with `preserve_order`
 * (object keys stay in the order they came; a repeated key keeps its first place and takes the
 * last value) and `arbitrary_precision` (numbers are written as they were read), so `JSON.parse`
 * then `JSON.stringify` would not do: it puts integer-like keys first and rewrites numbers.
 */

import { scanJson } from '../util/json-scan.js';

type Value = { raw: string } | { str: string } | { arr: Value[] } | { obj: Map<string, Value> };

/** serde_json's limit on nesting: its depth counter starts at 128 and fails when it reaches 0, so 127 containers. */
const MAX_DEPTH = 127;

/** A string token's text, or undefined where serde_json refuses it: an escaped surrogate that is not half of an escaped pair. */
function decodeString(token: string): string | undefined {
  const text = JSON.parse(token) as string;
  if (!token.includes('\\u')) return text;
  let lowNext = false; // the escape before was the high half of a pair
  for (let i = token.indexOf('\\'); i >= 0; i = token.indexOf('\\', i)) {
    if (token[i + 1] !== 'u') {
      i += 2;
      continue;
    }
    const unit = Number.parseInt(token.slice(i + 2, i + 6), 16);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (low !== lowNext || (high && !token.startsWith('\\u', i + 6))) return undefined;
    lowNext = high;
    i += 6;
  }
  return text;
}

/** The value of `text` with keys in the order sent and numbers as written, or undefined when serde_json would refuse it. */
function read(text: string): Value | undefined {
  let root: Value | undefined;
  /** The containers being filled, innermost last, and the member name waiting for its value. */
  const open: Value[] = [];
  let key = '';
  let refused = false;
  const add = (v: Value): boolean => {
    const parent = open.at(-1);
    if (parent === undefined) root = v;
    else if ('arr' in parent) parent.arr.push(v);
    else if ('obj' in parent) parent.obj.set(key, v); // a repeated key keeps its place, takes the new value
    return false;
  };
  const end = scanJson(text, {
    open(object, _at, depth) {
      if (depth > MAX_DEPTH) return true;
      const v: Value = object ? { obj: new Map() } : { arr: [] };
      add(v);
      open.push(v);
      return false;
    },
    close() {
      open.pop();
      return false;
    },
    key(start, end) {
      const k = decodeString(text.slice(start, end));
      if (k === undefined) refused = true;
      else key = k;
      return refused;
    },
    scalar(start, end) {
      if (text[start] !== '"') return add({ raw: text.slice(start, end) });
      const str = decodeString(text.slice(start, end));
      if (str === undefined) refused = true;
      else add({ str });
      return refused;
    },
  });
  return end === -1 && !refused ? root : undefined;
}

function write(v: Value): string {
  if ('raw' in v) return v.raw;
  // serde_json escapes what JSON.stringify escapes here: quote, backslash, control characters.
  if ('str' in v) return JSON.stringify(v.str);
  if ('arr' in v) return `[${v.arr.map(write).join(',')}]`;
  return `{${[...v.obj].map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`;
}

/** The body as Feldera quotes it (compact, keys and numbers as sent), or undefined when it is not JSON. */
export function serdeJsonDisplay(text: string): string | undefined {
  const value = read(text);
  return value === undefined ? undefined : write(value);
}
