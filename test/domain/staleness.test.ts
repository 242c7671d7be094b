import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTO,
  describeLimit,
  healthyGaps,
  learnHealthyPeriod,
  limitForPeriod,
  median,
  PERIOD_MIN_SAMPLES,
  parseStaleAfterSpec,
  STALE_DEFAULT_MS,
  STALE_FLOOR_MS,
  summarizeLimit,
} from '../../src/domain/staleness.js';
import { ev, HOUR, MIN, S, SEC, serverOrder, T0, usage } from './fixtures.js';

/** A healthy history recorded every `periodMs`, `n` events, newest first as the server sends it. */
const healthy = (n: number, periodMs: number, from = 0) =>
  serverOrder(Array.from({ length: n }, (_, i) => ev(from + i * periodMs)));

describe('parseStaleAfterSpec', () => {
  it('auto in any case, or a duration of at least 1 s', () => {
    expect(parseStaleAfterSpec('auto')).toEqual(AUTO);
    expect(parseStaleAfterSpec(' Auto ')).toEqual(AUTO);
    expect(parseStaleAfterSpec('19m30s')).toEqual({ kind: 'fixed', ms: 19.5 * MIN });
    expect(parseStaleAfterSpec('90')).toEqual({ kind: 'fixed', ms: 90 * SEC });
    expect(usage(() => parseStaleAfterSpec('soon')).message).toBe(
      'invalid --stale-after "soon": expected auto or a duration such as 15m, 1h',
    );
    expect(usage(() => parseStaleAfterSpec('999ms')).message).toBe(
      'invalid --stale-after "999ms": must be at least 1s',
    );
  });
});

describe('learnHealthyPeriod', () => {
  it('a quiet Community install: the median gap, ~10 min; the limit 2.25 periods', () => {
    const learned = learnHealthyPeriod(healthy(30, 10 * MIN + 600));
    expect(learned).toEqual({ periodMs: 10 * MIN + 600, samples: 29 });
    expect(limitForPeriod(learned.periodMs!)).toBe(Math.round((10 * MIN + 600) * 2.25));
  });

  it('slow checks (3 s a round): 60 × 13 s = 13 min, so stale only past 29m 15s', () => {
    const learned = learnHealthyPeriod(healthy(12, 13 * MIN));
    expect(learned.periodMs).toBe(13 * MIN);
    expect(limitForPeriod(13 * MIN)).toBe(29.25 * MIN);
  });

  it('one missed recording (a failed insert: two periods and a round) is within the limit; a stopped recorder is caught within 2.5 periods', () => {
    for (const period of [10 * MIN, 13 * MIN, 20 * MIN, 30 * MIN]) {
      const round = period / 60;
      expect(limitForPeriod(period)).toBeGreaterThan(2 * period + round);
      expect(limitForPeriod(period)).toBeLessThanOrEqual(2.5 * period);
    }
  });

  it('only gaps between two all-healthy events count; restarts (short gaps) and outages (long gaps) are not periods', () => {
    const events = serverOrder([
      ev(0),
      ev(10 * SEC), // a fresh manager records its first two rounds: 10 s, not a period
      ev(11 * MIN), // 10m 50s
      ev(22 * MIN), // 11m
      ev(25 * MIN, S.H, S.U), // an outage: gaps around unhealthy events say nothing about the healthy period
      ev(40 * MIN),
      ev(51 * MIN), // 11m
      ev(51 * MIN + 30 * SEC), // a restart's first round
      ev(4 * HOUR), // the recorder was down: 3h 8m 30s, not a period
      ev(4 * HOUR + 11 * MIN), // 11m
    ]);
    expect(healthyGaps(events)).toEqual([10 * MIN + 50 * SEC, 11 * MIN, 11 * MIN, 11 * MIN]);
    expect(learnHealthyPeriod(events)).toEqual({ periodMs: 11 * MIN, samples: 4 });
  });

  it('an all_healthy flag that disagrees with the statuses is not healthy', () => {
    const liar = { ...ev(10 * MIN, S.H, S.U), all_healthy: true };
    expect(healthyGaps([ev(0), liar, ev(20 * MIN)])).toEqual([]);
  });

  it(`fewer than ${PERIOD_MIN_SAMPLES} usable gaps teach nothing (one odd gap must not set the limit)`, () => {
    expect(learnHealthyPeriod(healthy(3, 10 * MIN))).toEqual({ samples: 2 });
    expect(learnHealthyPeriod([])).toEqual({ samples: 0 });
    expect(learnHealthyPeriod(healthy(4, 10 * MIN)).periodMs).toBe(10 * MIN);
  });

  it('robust: a minority of odd gaps does not move the median far', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10 * MIN, max: 20 * MIN }),
        fc.array(fc.integer({ min: 10 * MIN, max: 39 * MIN }), { maxLength: 4 }),
        (period, odd) => {
          const gaps = [...Array.from({ length: 11 }, () => period), ...odd];
          let at = 0;
          const events = [ev(0)];
          for (const g of gaps) {
            at += g;
            events.push(ev(at));
          }
          expect(learnHealthyPeriod(events).periodMs).toBe(period);
        },
      ),
    );
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
  });
});

describe('limitForPeriod and describeLimit', () => {
  it('never below the limit of the shortest period (10 min: 22m 30s); the default covers periods up to 20 min (45m)', () => {
    expect(limitForPeriod(5 * MIN)).toBe(STALE_FLOOR_MS);
    expect(STALE_FLOOR_MS).toBe(22.5 * MIN);
    expect(STALE_DEFAULT_MS).toBe(45 * MIN);
    expect(STALE_DEFAULT_MS).toBe(limitForPeriod(20 * MIN));
  });

  it('says the limit and where it came from', () => {
    expect(describeLimit({ ms: 30 * MIN, source: 'flag' })).toBe('--stale-after 30m');
    expect(describeLimit({ ms: 29.25 * MIN, source: 'learned', periodMs: 13 * MIN, samples: 24 })).toBe(
      "29m 15s, 2.25 × this instance's healthy period of 13m (learned from 24 gaps in its retained history)",
    );
    expect(
      describeLimit({ ms: 22.5 * MIN, source: 'stored', periodMs: 10 * MIN, samples: 9, learnedAt: T0 }, T0 + 2 * HOUR),
    ).toBe("22m 30s, 2.25 × this instance's healthy period of 10m (learned 2h ago from its history)");
    expect(describeLimit({ ms: 22.5 * MIN, source: 'stored', periodMs: 6 * MIN, samples: 9 })).toBe(
      "22m 30s, the minimum for this instance's healthy period of 6m (learned from its history)",
    );
    expect(describeLimit({ ms: 45 * MIN, source: 'default' })).toMatch(
      /^45m, the default until a command that reads the history/,
    );
    expect(describeLimit({ ms: 45 * MIN, source: 'default', samples: 1 })).toMatch(
      /^45m, the default: the retained history has too few healthy periods .*\(1 of 3\)$/,
    );
  });

  it("in a few words, for the timeline's note", () => {
    expect(summarizeLimit({ ms: 30 * MIN, source: 'flag' })).toBe('--stale-after 30m');
    expect(summarizeLimit({ ms: 20 * MIN, source: 'default', samples: 0 })).toBe(
      '20m (the default: no healthy period known for this instance)',
    );
    expect(summarizeLimit({ ms: 29.25 * MIN, source: 'stored', periodMs: 13 * MIN })).toBe(
      "29m 15s (2.25 × this instance's healthy period of 13m, at least 22m 30s)",
    );
  });
});
