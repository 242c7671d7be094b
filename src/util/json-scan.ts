/**
 * One walk over JSON text, for the places that must know about JSON text without (or before)
 * JSON.parse: the answer limits (api/limits.ts: depth and value count, checked before a body is
 * parsed), the place of a fault in the config file (config/json-position.ts: its text holds
 * credentials, and V8's parse errors quote it), and the simulator's serde_json rendering
 * (simulator/json-text.ts: keys in the order sent, numbers as written).
 *
 * Two layers. `walkJson` is the walk itself: it finds the brackets, commas, colons and strings
 * outside strings, and nothing else, so it is as cheap as a walk can be (it runs once per process,
 * over answers of up to 16 MiB, mostly before V8 has compiled it: each check added to its loop
 * doubles its time there). `scanJson` checks the grammar on top of it — RFC 8259, exactly what
 * JSON.parse accepts — and reports members and values. Both are iterative (no depth can overflow
 * the stack), linear in the text, and allocate nothing but the stack of open containers: tokens
 * are reported as offsets, and whoever needs a token's text slices it.
 */

/**
 * What `walkJson` reports: a token, by the code of its first character (`{ [ } ] , :` or `"`), from
 * `start` to `end` (exclusive; a string's `end` is -1 when the text ends inside it). Returning true
 * stops the walk there.
 */
export type JsonToken = (c: number, start: number, end: number) => boolean | undefined;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Limits a walk stops at: they cost no callback per token. */
export interface WalkLimits {
  /** Stop at the container that opens at this depth plus one (a top-level container is at depth 1). */
  maxDepth?: number;
  /** Stop when there are more values than this, counted from above: one per container and per comma, plus the top-level value. */
  maxValues?: number;
}

/** Where a walk ended, and why. */
export interface WalkEnd {
  /** The offset: the end of the text, or the token where the walk stopped. */
  at: number;
  why: 'end' | 'stopped' | 'depth' | 'values';
}

/**
 * The walk: reports the brackets, commas, colons and strings of `text` in order. Anything else
 * (whitespace, numbers, literals, stray characters) is passed over unchecked. A string ends at the
 * next quote that is not escaped; when none does, the walk ends with the text. It stops at the
 * token whose callback returns true, or where a limit is passed.
 */
export function walkJson(text: string, token: JsonToken | undefined, limits: WalkLimits = {}): WalkEnd {
  const { maxDepth = Infinity, maxValues = Infinity } = limits;
  const n = text.length;
  let depth = 0;
  let values = 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (token?.(c, i, end)) return { at: i, why: 'stopped' };
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      values++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA) values++;
    else if (c !== COLON) continue;
    if (depth > maxDepth) return { at: i, why: 'depth' };
    if (values > maxValues) return { at: i, why: 'values' };
    if (token?.(c, i, i + 1)) return { at: i, why: 'stopped' };
  }
  return { at: n, why: 'end' };
}

/** Just after the quote that closes the string opened at `start`, or -1 when none does. */
function stringEnd(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    // The quote is escaped when an odd number of backslashes stands before it.
    let b = q - 1;
    while (b > start && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** What `scanJson` reports. Every callback may return true to stop the walk there. Offsets index the text; `end` is exclusive. */
export interface JsonVisitor {
  /** `{` or `[` at `at`; `depth` counts it (a top-level container is at depth 1). */
  open?(object: boolean, at: number, depth: number): boolean | undefined;
  /** `}` or `]` at `at`, closing the innermost open container. */
  close?(at: number): boolean | undefined;
  /** A member name: its string token, quotes included. */
  key?(start: number, end: number): boolean | undefined;
  /** A string (quotes included), number, `true`, `false` or `null`. */
  scalar?(start: number, end: number): boolean | undefined;
}

// What the grammar expects next.
const VALUE = 0; // a value
const FIRST_VALUE = 1; // a value or `]`, just after `[`
const KEY = 2; // a member name
const FIRST_KEY = 3; // a member name or `}`, just after `{`
const NAME_SEPARATOR = 4; // `:` after a member name
const AFTER_MEMBER = 5; // `,` or `}` after a member's value
const AFTER_ELEMENT = 6; // `,` or `]` after an array element
const AFTER_ALL = 7; // nothing but whitespace: the top-level value is complete

/**
 * Walks `text` as one JSON value, checking it as JSON.parse does (whitespace is space, tab, line
 * feed and carriage return; a lone surrogate passes, as it does there). Returns -1 when `text` is
 * one JSON value and no callback stopped the walk, else where the walk ended: the first character
 * that makes `text` invalid JSON (its length when it ends too early), or the token at which a
 * callback stopped it.
 */
export function scanJson(text: string, visitor: JsonVisitor = {}): number {
  const n = text.length;
  /** The open containers, innermost last: true for an object. */
  const stack: boolean[] = [];
  let state = VALUE;
  /** Where the text not yet checked starts: the end of the last token. */
  let from = 0;
  /** Where the walk ended, once the grammar or the visitor has stopped it. */
  let stop = -1;
  const fault = (at: number): true => {
    stop = at;
    return true;
  };
  const afterValue = (): number => {
    if (stack.length === 0) return AFTER_ALL;
    return stack[stack.length - 1] ? AFTER_MEMBER : AFTER_ELEMENT;
  };
  /** The text between the last token and the next one, at `to`: whitespace, and a number or literal where a value may stand. */
  const gap = (to: number): boolean => {
    let i = skipSpace(text, from, to);
    if (i < to && state <= FIRST_VALUE) {
      const end = scalarEnd(text, i);
      if (end < 0) return fault(Math.min(~end, to));
      if (visitor.scalar?.(i, end)) return fault(i);
      state = afterValue();
      i = skipSpace(text, end, to);
    }
    return i < to && fault(i);
  };
  const open = (object: boolean, at: number): boolean => {
    if (state > FIRST_VALUE) return fault(at);
    stack.push(object);
    if (visitor.open?.(object, at, stack.length)) return fault(at);
    state = object ? FIRST_KEY : FIRST_VALUE;
    return false;
  };
  const close = (object: boolean, at: number): boolean => {
    const empty = state === (object ? FIRST_KEY : FIRST_VALUE);
    if (!empty && state !== (object ? AFTER_MEMBER : AFTER_ELEMENT)) return fault(at);
    stack.pop();
    if (visitor.close?.(at)) return fault(at);
    state = afterValue();
    return false;
  };
  const string = (start: number, end: number): boolean => {
    const isKey = state === KEY || state === FIRST_KEY;
    if (!isKey && state > FIRST_VALUE) return fault(start);
    const bad = stringFault(text, start, end);
    if (bad >= 0) return fault(bad);
    if (isKey ? visitor.key?.(start, end) : visitor.scalar?.(start, end)) return fault(start);
    state = isKey ? NAME_SEPARATOR : afterValue();
    return false;
  };
  const separator = (c: number, at: number): boolean => {
    if (c === COLON) {
      if (state !== NAME_SEPARATOR) return fault(at);
      state = VALUE;
    } else if (state === AFTER_MEMBER) state = KEY;
    else if (state === AFTER_ELEMENT) state = VALUE;
    else return fault(at);
    return false;
  };
  walkJson(text, (c, start, end) => {
    if (gap(start)) return true;
    from = end;
    if (c === QUOTE) return string(start, end);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return open(c === OPEN_BRACE, start);
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) return close(c === CLOSE_BRACE, start);
    return separator(c, start);
  });
  if (stop >= 0 || gap(n)) return stop;
  return state === AFTER_ALL ? -1 : n;
}

function skipSpace(text: string, i: number, to: number): number {
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** The end of the number or literal at i, or ~(the first character that makes it invalid; the text's length when it ends too early). */
function scalarEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x74) return literalEnd(text, i, 'true');
  if (c === 0x66) return literalEnd(text, i, 'false');
  if (c === 0x6e) return literalEnd(text, i, 'null');
  return numberEnd(text, i);
}

function literalEnd(text: string, i: number, word: string): number {
  for (let k = 1; k < word.length; k++) {
    if (i + k >= text.length) return ~text.length;
    if (text.charCodeAt(i + k) !== word.charCodeAt(k)) return ~(i + k);
  }
  return i + word.length;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** One or more digits from i: the offset after them, or ~fault. */
function digitsEnd(text: string, i: number): number {
  if (!isDigit(text.charCodeAt(i))) return ~Math.min(i, text.length);
  do i++;
  while (isDigit(text.charCodeAt(i)));
  return i;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` from i: the offset after it, or ~fault. */
function numberEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x2d) i++;
  if (text.charCodeAt(i) === 0x30) i++;
  else {
    i = digitsEnd(text, i);
    if (i < 0) return i;
  }
  if (text.charCodeAt(i) === 0x2e) {
    i = digitsEnd(text, i + 1);
    if (i < 0) return i;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const sign = text.charCodeAt(i + 1);
    i = digitsEnd(text, sign === 0x2b || sign === 0x2d ? i + 2 : i + 1);
  }
  return i;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The characters that may follow a backslash, but for `u`. */
const SIMPLE_ESCAPES = '"\\/bfnrt';

/**
 * The first character of the string token at start..end (end -1: the text ends inside it) that
 * makes it invalid — a control character, an escape JSON does not have — or the text's length
 * when it ends inside the string; -1 when it is a valid string.
 */
function stringFault(text: string, start: number, end: number): number {
  const last = end < 0 ? text.length : end - 1;
  for (let k = start + 1; k < last; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x20) return k;
    if (c !== BACKSLASH) continue;
    if (++k >= text.length) break;
    if (text.charCodeAt(k) === 0x75) {
      for (let h = 0; h < 4; h++) if (!isHex(text.charCodeAt(++k))) return Math.min(k, text.length);
    } else if (!SIMPLE_ESCAPES.includes(text[k]!)) return k;
  }
  return end < 0 ? text.length : -1;
}
