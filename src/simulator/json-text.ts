/**
 * `serde_json::Value` read from a body and written back with `Display`, as Feldera's monitor quotes
 * a service's error body in an `Unhealthy:` text. Feldera builds serde_json with `preserve_order`
 * (object keys stay in the order they came; a repeated key keeps its first place and takes the
 * last value) and `arbitrary_precision` (numbers are written as they were read), so `JSON.parse`
 * then `JSON.stringify` would not do: it puts integer-like keys first and rewrites numbers.
 */

type Value = { raw: string } | { str: string } | { arr: Value[] } | { obj: Map<string, Value> };

class Invalid extends Error {}

/** serde_json's limit on nesting: its depth counter starts at 128 and fails when it reaches 0, so 127 containers. */
const MAX_DEPTH = 127;

function reader(text: string) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new Invalid();
  };
  const expect = (ch: string) => (text[i] === ch ? i++ : fail());

  function string(): string {
    expect('"');
    let out = '';
    for (;;) {
      const ch = text[i++];
      if (ch === undefined || ch < ' ') fail();
      if (ch === '"') return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = text[i++];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (esc !== undefined && esc in simple) out += simple[esc];
      else if (esc === 'u') out += unicode();
      else fail();
    }
  }

  function hex4(): number {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail();
    i += 4;
    return parseInt(h, 16);
  }

  /** `\uXXXX`, a surrogate pair as one character; a lone surrogate is an error, as in serde_json. */
  function unicode(): string {
    const a = hex4();
    if (a >= 0xdc00 && a <= 0xdfff) fail();
    if (a < 0xd800 || a > 0xdbff) return String.fromCharCode(a);
    if (text.slice(i, i + 2) !== '\\u') fail();
    i += 2;
    const b = hex4();
    if (b < 0xdc00 || b > 0xdfff) fail();
    return String.fromCharCode(a, b);
  }

  function number(): string {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
    return m![0];
  }

  function value(depth: number): Value {
    ws();
    const ch = text[i];
    if ((ch === '[' || ch === '{') && depth >= MAX_DEPTH) fail();
    if (ch === '"') return { str: string() };
    if (ch === '[') {
      i++;
      const arr: Value[] = [];
      ws();
      if (text[i] === ']') return (i++, { arr });
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ']') return (i++, { arr });
        expect(',');
      }
    }
    if (ch === '{') {
      i++;
      const obj = new Map<string, Value>();
      ws();
      if (text[i] === '}') return (i++, { obj });
      for (;;) {
        ws();
        const key = string();
        ws();
        expect(':');
        obj.set(key, value(depth + 1)); // a repeated key keeps its place, takes the new value
        ws();
        if (text[i] === '}') return (i++, { obj });
        expect(',');
      }
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return ((i += word.length), { raw: word });
    }
    return { raw: number() };
  }

  return {
    document(): Value {
      const v = value(0);
      ws();
      if (i !== text.length) fail();
      return v;
    },
  };
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
  try {
    return write(reader(text).document());
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}
