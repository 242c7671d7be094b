/**
 * The one walk over JSON text (src/util/json-scan.ts) that the answer limits, the config file's
 * fault position and the simulator's serde_json rendering share: its tokens, its grammar against
 * JSON.parse, and the place it names for a fault.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson, walkJson } from '../../src/util/json-scan.js';

function accepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON texts, valid and near-valid: JSON values pretty or compact, with a character put in, taken out or replaced. */
const nearJson = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.boolean(),
    fc.nat(),
    fc.constantFrom('', ' ', ',', ':', '"', '\\', '[', ']', '{', '}', '-', '0', '.', 'e', 't', '\u0001', '\t', 'x'),
    fc.constantFrom('insert', 'delete', 'replace', 'keep'),
  )
  .map(([v, pretty, at, ch, edit]) => {
    const text = JSON.stringify(v, null, pretty ? 2 : undefined);
    const p = at % (text.length + 1);
    if (edit === 'insert') return text.slice(0, p) + ch + text.slice(p);
    if (edit === 'delete') return text.slice(0, p) + text.slice(p + 1);
    if (edit === 'replace') return text.slice(0, p) + ch + text.slice(p + 1);
    return text;
  });

describe('walkJson', () => {
  it('reports brackets, commas, colons and whole strings, in order, and passes over the rest', () => {
    const seen: string[] = [];
    const text = '{"a\\"[": [1, true], "b": "x,y"}';
    const end = walkJson(text, (c, start, stop) => {
      seen.push(`${String.fromCharCode(c)}${start}:${text.slice(start, stop)}`);
      return false;
    });
    expect(end).toEqual({ at: text.length, why: 'end' });
    expect(seen).toEqual([
      '{0:{',
      '"1:"a\\"["',
      ':7::',
      '[9:[',
      ',11:,',
      ']17:]',
      ',18:,',
      '"20:"b"',
      ':23::',
      '"25:"x,y"',
      '}30:}',
    ]);
  });

  it('stops where a callback says so, and at its limits (values counted from above: containers, commas, the root)', () => {
    expect(walkJson('[1,[2]]', (c) => c === 0x5b && false)).toEqual({ at: 7, why: 'end' });
    expect(walkJson('[1,[2]]', (c) => c === 0x2c)).toEqual({ at: 2, why: 'stopped' });
    expect(walkJson('[[[]]]', undefined, { maxDepth: 2 })).toEqual({ at: 2, why: 'depth' });
    expect(walkJson('[1,2,3]', undefined, { maxValues: 3 })).toEqual({ at: 4, why: 'values' });
    expect(walkJson('[1,2,3]', undefined, { maxValues: 4 }).why).toBe('end');
  });

  it('a string that never ends is reported with end -1, and ends the walk', () => {
    const strings: number[][] = [];
    const end = walkJson('["ab\\"', (c, start, stop) => {
      if (c === 0x22) strings.push([start, stop]);
      return false;
    });
    expect(strings).toEqual([[1, -1]]);
    expect(end.why).toBe('end');
  });
});

describe('scanJson', () => {
  it('accepts exactly what JSON.parse accepts (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearJson, fc.string({ maxLength: 12 })), (text) => {
        expect(scanJson(text) === -1, JSON.stringify(text)).toBe(accepts(text));
      }),
      { numRuns: 3000, seed: 15 },
    );
  });

  it('a prefix of valid JSON is faulty at its end at most: it ends too early (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), fc.nat(), (v, pretty, at) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        const prefix = text.slice(0, at % (text.length + 1));
        expect([-1, prefix.length]).toContain(scanJson(prefix));
      }),
      { numRuns: 1000, seed: 15 },
    );
  });

  it('names the first character that makes the text invalid', () => {
    const cases: [string, number][] = [
      ['{"a": apikey:x}', 6],
      ['{"a": 1,}', 8],
      ['[1 2]', 3],
      ['[01]', 2],
      ['[1.]', 3],
      ['[-]', 2],
      ['[1e+]', 4],
      ['[tru]', 4],
      ['[nul', 4],
      ['"a\tb"', 2],
      ['"a\\xb"', 3],
      ['"\\u12"', 5],
      ['"abc', 4],
      ['{"a" 1}', 5],
      ['{"a":1}}', 7],
      ['{"a":1} x', 8],
      ['[}', 1],
      ['{]', 1],
      ['[1] [', 4],
      ['', 0],
      ['  ', 2],
      ['{"a":"b" "c"}', 9],
    ];
    for (const [text, at] of cases) expect(scanJson(text), text).toBe(at);
  });

  it('reports members and values with their depth, in order', () => {
    const seen: string[] = [];
    const text = ' {"k": [1.5e3, "s", null, {}], "t": true} ';
    const end = scanJson(text, {
      open: (object, at, depth) => void seen.push(`open ${object ? '{' : '['} ${at} ${depth}`),
      close: (at) => void seen.push(`close ${at}`),
      key: (start, stop) => void seen.push(`key ${text.slice(start, stop)}`),
      scalar: (start, stop) => void seen.push(`scalar ${text.slice(start, stop)}`),
    });
    expect(end).toBe(-1);
    expect(seen).toEqual([
      'open { 1 1',
      'key "k"',
      'open [ 7 2',
      'scalar 1.5e3',
      'scalar "s"',
      'scalar null',
      'open { 26 3',
      'close 27',
      'close 28',
      'key "t"',
      'scalar true',
      'close 40',
    ]);
  });

  it('a callback that returns true stops the walk at its token', () => {
    expect(scanJson('[1, [2, 3]]', { open: (_o, _at, depth) => depth > 1 })).toBe(4);
    expect(scanJson('[1, "x", 3]', { scalar: (start) => start === 4 })).toBe(4);
  });

  it('walks any depth without recursion', () => {
    expect(scanJson('['.repeat(200_000))).toBe(200_000);
    expect(scanJson('['.repeat(200_000) + ']'.repeat(200_000))).toBe(-1);
  });
});
