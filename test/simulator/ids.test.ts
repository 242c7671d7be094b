import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeKey } from '../../src/domain/order.js';
import { formatTimestamp, parseUuid, uuidv7, uuidv7Millis } from '../../src/simulator/ids.js';
import { createRng } from '../../src/simulator/rng.js';

describe('uuidv7', () => {
  it('carries the millisecond timestamp, version 7 and the RFC 4122 variant', () => {
    const rng = createRng(42);
    const ms = Date.UTC(2025, 11, 8, 14, 3, 6, 655);
    const id = uuidv7(ms, rng);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Millis(id)).toBe(ms);
    expect(id.slice(0, 13)).toBe('019afe45-ec1f'); // 1765202586655 ms in hex
  });

  it('sorts with time, as text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 47 }),
        fc.integer({ min: 1, max: 2 ** 20 }),
        fc.nat(),
        (a, d, seed) => {
          const rng = createRng(seed);
          const x = uuidv7(a, rng);
          const y = uuidv7(a + d, rng);
          expect(x < y).toBe(true);
        },
      ),
    );
  });

  it('is reproducible from the seed', () => {
    expect(uuidv7(1, createRng(7))).toBe(uuidv7(1, createRng(7)));
    expect(uuidv7(1, createRng(7))).not.toBe(uuidv7(1, createRng(8)));
  });
});

describe('parseUuid (the Rust uuid crate)', () => {
  it('accepts the four forms and answers the canonical lowercase form', () => {
    const canonical = '67e55044-10b1-426f-9247-bb680e5fe0c8';
    for (const form of [
      canonical,
      '67E55044-10B1-426F-9247-BB680E5FE0C8',
      '67e5504410b1426f9247bb680e5fe0c8',
      `{${canonical}}`,
      `urn:uuid:${canonical}`,
    ]) {
      expect(parseUuid(form)).toEqual({ ok: true, uuid: canonical });
    }
  });

  // Expected texts follow the crate's own test-suite (`src/parser.rs`) and `Display for Error`.
  it.each([
    ['!', 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `!` at 1'],
    [
      'latest2',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `l` at 1',
    ],
    ['F9168C5E-CEB2-4faa-B6BF-329BF39FA1E45', 'invalid group length in group 4: expected 12, found 13'],
    ['F9168C5E-CEB2-4faa-BBF-329BF39FA1E4', 'invalid group length in group 3: expected 4, found 3'],
    [
      'F9168C5E-CEB2-4faa-BGBF-329BF39FA1E4',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `G` at 21',
    ],
    ['F9168C5E-CEB2F4faaFB6BFF329BF39FA1E4', 'invalid group count: expected 5, found 2'],
    ['F9168C5E-CEB2-4faa', 'invalid group count: expected 5, found 3'],
    [
      '{F9168C5E-CEB2-4faa9B6BFF329BF39FA1E41',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{` at 1',
    ],
    ['{F9168C5E-CEB2-4faa9B6BFF329BF39FA1E41}', 'invalid group count: expected 5, found 3'],
    ['F9168C5E-CEB-24fa-eB6BFF32-BF39FA1E4', 'invalid group length in group 1: expected 4, found 3'],
    ['01020304-1112-2122-3132-41424344', 'invalid group length in group 4: expected 12, found 8'],
    ['67e5504410b1426f9247bb680e5fe0c', 'invalid length: expected length 32 for simple format, found 31'],
    ['67e5504410b1426f9247bb680e5fe0c88', 'invalid length: expected length 32 for simple format, found 33'],
    [
      '67e5504410b1426f9247bb680e5fe0cg8',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `g` at 32',
    ],
    ['231231212212423424324323477343246663', 'invalid length: expected length 32 for simple format, found 36'],
    ['{00000000000000000000000000000000}', 'invalid group count: expected 5, found 1'],
    ['67e550-4105b1426f9247bb680e5fe0c', 'invalid group count: expected 5, found 2'],
    ['F9168C5E-CEB2-4faa-B6BF1-02BF39FA1E4', 'invalid group length in group 3: expected 4, found 5'],
    [
      '\u{bcf3c}',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\u{bcf3c}` at 1',
    ],
    [
      'ab\u00e9',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\u00e9` at 3',
    ],
    [
      'a\u00e9x',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\u00e9` at 2',
    ],
    [
      '1\u00e9-x',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\u00e9` at 2',
    ],
    [
      'ab-\u{1f980}',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\u{1f980}` at 4',
    ],
    ['aé-🦀', 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 2'],
    [
      '12-34é',
      'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 6',
    ],
  ])('rejects %j', (input, error) => {
    expect(parseUuid(input)).toEqual({ ok: false, error });
  });

  it('counts UTF-8 bytes for indexes after multi-byte characters', () => {
    // "é" is 2 bytes: the "g" after it is byte 4, reported 1-based as 4.
    expect(parseUuid('aéag')).toEqual({
      ok: false,
      error: 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 2',
    });
    expect(parseUuid('urn:uuid:zz')).toEqual({
      ok: false,
      error: 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `z` at 10',
    });
  });

  it('accepts exactly what the hyphenated pattern accepts (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(parseUuid(u)).toEqual({ ok: true, uuid: u.toLowerCase() });
        expect(parseUuid(u.toUpperCase())).toEqual({ ok: true, uuid: u.toLowerCase() });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseUuid(s);
        if (r.ok) expect(r.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        else expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('formatTimestamp', () => {
  it('writes RFC 3339 UTC as chrono AutoSi does: 0, 3 or 6 fraction digits, as the value needs', () => {
    expect(formatTimestamp(Date.UTC(2025, 11, 8, 14, 3, 6) * 1000 + 655_736)).toBe('2025-12-08T14:03:06.655736Z');
    expect(formatTimestamp(Date.UTC(2025, 11, 8, 14, 3, 5) * 1000 + 120_431)).toBe('2025-12-08T14:03:05.120431Z');
    expect(formatTimestamp(Date.UTC(2025, 11, 8, 14, 3, 5) * 1000 + 120_000)).toBe('2025-12-08T14:03:05.120Z');
    expect(formatTimestamp(Date.UTC(2025, 11, 8, 14, 3, 5) * 1000)).toBe('2025-12-08T14:03:05Z');
    expect(formatTimestamp(Date.UTC(2025, 0, 1) * 1000 + 7)).toBe('2025-01-01T00:00:00.000007Z');
    expect(formatTimestamp(Date.UTC(2025, 0, 1) * 1000 + 7000)).toBe('2025-01-01T00:00:00.007Z');
  });

  it('the shortest exact form: parsing it back gives the same microsecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1) * 1000, max: Date.UTC(2040, 0, 1) * 1000 }), (us) => {
        const t = formatTimestamp(us);
        expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/);
        expect(t).not.toMatch(/\.\d{3}000Z$/);
        expect(timeKey(t)).toBe(us);
      }),
    );
  });
});
