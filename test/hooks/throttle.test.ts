/** `--exec-min-interval`, alone: at most one run per interval; the newest held back runs when it is over. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createThrottle } from '../../src/hooks/throttle.js';

describe('the min-interval gate', () => {
  it('runs at once, holds back within the interval, releases the newest with the count of the others', () => {
    const g = createThrottle<string>(10);
    expect(g.offer('a', 0)).toEqual({ item: 'a', suppressed: 0, delayed: false });
    expect(g.offer('b', 3)).toBeUndefined();
    expect(g.offer('c', 5)).toBeUndefined();
    expect(g.held()).toEqual({ item: 'c', suppressed: 1 });
    expect(g.dueAt()).toBe(10);
    expect(g.due(9)).toBeUndefined();
    expect(g.due(10)).toEqual({ item: 'c', suppressed: 1, delayed: true });
    expect(g.held()).toBeUndefined();
    // The interval counts from the late run.
    expect(g.offer('d', 15)).toBeUndefined();
    expect(g.offer('e', 21)).toEqual({ item: 'e', suppressed: 1, delayed: false });
  });

  it('without an interval everything runs at once', () => {
    const g = createThrottle<number>(undefined);
    for (let i = 0; i < 5; i++) expect(g.offer(i, 0)).toEqual({ item: i, suppressed: 0, delayed: false });
  });

  it('property: runs are at least the interval apart, and every offer is run or counted exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean()), { maxLength: 80 }),
        (interval, steps) => {
          const g = createThrottle<number>(interval);
          const runs: { at: number; suppressed: number }[] = [];
          let now = 0;
          let offered = 0;
          for (const [dt, isOffer] of steps) {
            now += dt;
            const r = isOffer ? g.offer(offered++, now) : g.due(now);
            if (r) runs.push({ at: now, suppressed: r.suppressed });
          }
          for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThanOrEqual(interval);
          const held = g.held();
          const accounted = runs.reduce((n, r) => n + 1 + r.suppressed, 0) + (held ? held.suppressed + 1 : 0);
          expect(accounted).toBe(offered);
        },
      ),
    );
  });
});
