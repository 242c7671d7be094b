import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';
import { parseDurationFlag, parseWhenSpec, whenAt } from '../../src/util/when.js';

/** A --since value as the commands read it: parsed with the command line, placed against now later. */
const parseWhen = (text: string, now: number, flag: string) => whenAt(parseWhenSpec(text, flag), now);

import { CliError } from '../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['3d', 259_200_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['42', 42_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '5x', '-5s', '5 s', 's', '1h-', 'h1'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('round-trips whole seconds through formatDuration for single units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 59 }), fc.constantFrom('s', 'm', 'h'), (n, u) => {
        expect(parseDuration(formatDuration(parseDuration(`${n}${u}`)!).replace(' ', ''))).toBe(
          parseDuration(`${n}${u}`),
        );
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1000, '1s'],
    [61_000, '1m 1s'],
    [3_600_000, '1h'],
    [3_660_000, '1h 1m'],
    [90_061_000, '1d 1h'],
    [-5000, '-5s'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('parseWhen', () => {
  const now = Date.parse('2025-12-08T14:00:00Z');
  it('takes a duration back from now', () => expect(parseWhen('2h', now, '--since')).toBe(now - 7_200_000));
  it('takes an RFC 3339 time', () =>
    expect(parseWhen('2025-12-08T12:30:00Z', now, '--since')).toBe(Date.parse('2025-12-08T12:30:00Z')));
  it('keeps microseconds-bearing times', () =>
    expect(parseWhen('2025-12-08T12:30:00.123456Z', now, '--since')).toBe(Date.parse('2025-12-08T12:30:00.123Z')));
  it('rejects garbage with a usage error naming the flag and what was expected', () => {
    try {
      parseWhen('yesterday', now, '--since');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(64);
      expect((e as CliError).message).toMatch(/--since "yesterday".*duration.*RFC 3339/);
    }
  });
  it('enforces a minimum on duration flags', () => {
    expect(parseDurationFlag('5s', '--interval', 1000)).toBe(5000);
    expect(() => parseDurationFlag('500ms', '--interval', 1000)).toThrow(/at least 1s/);
  });
});
