import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serdeJsonDisplay } from '../../src/simulator/json-text.js';

describe('serdeJsonDisplay (serde_json with preserve_order and arbitrary_precision)', () => {
  it('compact, keys in the order sent (integer-like ones too), numbers as written', () => {
    expect(serdeJsonDisplay('{ "status": "unhealthy", "2": 1, "a": [1.50, -0, 1E3, 12345678901234567890] }')).toBe(
      '{"status":"unhealthy","2":1,"a":[1.50,-0,1E3,12345678901234567890]}',
    );
  });

  it('a repeated key keeps its first place and takes the last value (IndexMap insert)', () => {
    expect(serdeJsonDisplay('{"a":1,"b":2,"a":3}')).toBe('{"a":3,"b":2}');
  });

  it('strings: non-ASCII kept, control characters and quotes escaped, escapes decoded', () => {
    expect(serdeJsonDisplay('{"m":"é🦀\\n\\u0001 \\"q\\" \\/ \\ud83e\\udd80"}')).toBe(
      '{"m":"é🦀\\n\\u0001 \\"q\\" / 🦀"}',
    );
  });

  it('not JSON, or JSON serde_json refuses (lone surrogate, trailing comma, leading zero, trailing text): undefined', () => {
    for (const bad of ['<html>', '', '{"a":1,}', '[01]', '{"a":1} x', '"\\ud800"', '{a:1}', '[1', 'nul'])
      expect(serdeJsonDisplay(bad), bad).toBeUndefined();
    // escaped surrogates: only as a high half followed at once by an escaped low half
    for (const bad of ['"\\udd80"', '"\\ud83e"', '"\\ud83eA"', '"\\ud83e\\n"', '"\\ud83e\\u0041"', '{"\\ud800":1}'])
      expect(serdeJsonDisplay(bad), bad).toBeUndefined();
    expect(serdeJsonDisplay('["\\ud83e\\udd80", "\\\\ud800", "\\u00e9"]')).toBe('["🦀","\\\\ud800","é"]');
    // serde_json's recursion limit: 127 nested containers
    expect(serdeJsonDisplay('['.repeat(128) + ']'.repeat(128))).toBeUndefined();
    expect(serdeJsonDisplay('['.repeat(127) + ']'.repeat(127))).toBe('['.repeat(127) + ']'.repeat(127));
  });

  it('for any JSON value: the same value as JSON.parse gives, written compactly', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 2);
        const out = serdeJsonDisplay(text);
        expect(out).toBeDefined();
        expect(JSON.parse(out!)).toEqual(JSON.parse(text));
        expect(out).not.toMatch(/\n/);
      }),
    );
  });
});
