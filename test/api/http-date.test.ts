/**
 * The server's clock is read strictly (api/errors.ts parseHttpDate: RFC 7231's IMF-fixdate, plausible
 * values only) and believed only near the local clock (domain/staleness.ts judgeClock): a Date
 * header that lies must not make an old check fresh (issue 17, item 9).
 */
import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../../src/api/errors.js';
import { CLOCK_SKEW_LIMIT_MS, describeSkew, judgeClock } from '../../src/domain/staleness.js';
import { FUTURE_TOLERANCE_MS, judge } from '../../src/domain/verdict.js';

describe('parseHttpDate', () => {
  it('reads an IMF-fixdate', () => {
    expect(parseHttpDate('Mon, 08 Dec 2025 14:10:00 GMT')).toBe(Date.UTC(2025, 11, 8, 14, 10, 0));
    expect(parseHttpDate(new Date(Date.UTC(2031, 1, 28, 23, 59, 59)).toUTCString())).toBe(
      Date.UTC(2031, 1, 28, 23, 59, 59),
    );
  });

  it('refuses what Date.parse would take: `1` (the year 2001), other formats, impossible and implausible dates', () => {
    expect(Date.parse('1')).not.toBeNaN();
    for (const bad of [
      '1',
      '0',
      '',
      null,
      '2025-12-08T14:10:00Z',
      'Monday, 08-Dec-25 14:10:00 GMT',
      'Mon Dec  8 14:10:00 2025',
      'Mon, 08 Dec 2025 14:10:00 +0000',
      'Mon, 8 Dec 2025 14:10:00 GMT',
      'Tue, 08 Dec 2025 14:10:00 GMT', // the 8th was a Monday
      'Tue, 31 Feb 2026 00:00:00 GMT',
      'Mon, 08 Dec 2025 24:10:00 GMT',
      'Thu, 01 Jan 1970 00:00:00 GMT',
      'Sat, 01 Jan 2000 00:00:00 GMT',
      'Fri, 31 Dec 9999 23:59:59 GMT',
    ]) {
      expect(parseHttpDate(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('judgeClock', () => {
  const local = Date.UTC(2026, 0, 1);
  it('believes the server within the limit, either way', () => {
    expect(judgeClock(local + CLOCK_SKEW_LIMIT_MS, local)).toEqual({
      now: local + CLOCK_SKEW_LIMIT_MS,
      source: 'server',
    });
    expect(judgeClock(local - CLOCK_SKEW_LIMIT_MS, local).source).toBe('server');
  });
  it('beyond it, the local clock, with the skew to say', () => {
    expect(judgeClock(local - 3 * 3_600_000, local)).toEqual({ now: local, source: 'local', skewMs: -3 * 3_600_000 });
    expect(judgeClock(undefined, local)).toEqual({ now: local, source: 'local' });
    expect(describeSkew(-3 * 3_600_000, 'https://f.example')).toMatch(
      /^the clock of https:\/\/f\.example \(its Date header\) is 3h behind this machine's, more than the 5m clocks may differ: ages are judged by the local clock$/,
    );
  });
});

describe('a check dated in the future is never fresh', () => {
  const check = {
    statuses: { api: 'Healthy', compiler: 'Healthy', runner: 'Healthy' } as const,
    allHealthy: true,
    checkedAt: 1_000_000_000_000,
  };
  it('within the tolerance, healthy; beyond it, stale; an unhealthy one stays unhealthy', () => {
    const at = (ageMs: number) => judge(check, { now: check.checkedAt + ageMs, staleAfterMs: 30 * 60_000 }).verdict;
    expect(at(-FUTURE_TOLERANCE_MS)).toBe('healthy');
    expect(at(-FUTURE_TOLERANCE_MS - 1)).toBe('stale');
    expect(at(-3 * 3_600_000)).toBe('stale');
    const down = { ...check, statuses: { ...check.statuses, runner: 'Unhealthy' as const }, allHealthy: false };
    expect(judge(down, { now: check.checkedAt - 3_600_000, staleAfterMs: 60_000 }).verdict).toBe('unhealthy');
  });
});
