/** The alert of `--exec-on transition`, alone: verdicts in, runs out, on a clock of plain numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERDICTS, type Verdict } from '../../src/domain/verdict.js';
import { type Alert, initialAlert, isBad, type Run, see, type Timing, tick } from '../../src/hooks/transition.js';

const MIN = 60_000;

/** Feed `(time, verdict)` pairs, ticking at every time; return the runs and quiet notes with their times. */
function feed(seq: [number, Verdict | 'tick'][], t: Timing) {
  let a: Alert = initialAlert;
  const runs: (Run & { at: number })[] = [];
  const quiet: string[] = [];
  for (const [at, v] of seq) {
    const step = v === 'tick' ? tick(a, at, t) : see(a, v, at, t);
    a = step.alert;
    runs.push(...step.runs.map((r) => ({ ...r, at })));
    quiet.push(...step.quiet.map((q) => `${q.kind}@${at}`));
    if (v !== 'tick') {
      const after = tick(a, at, t);
      a = after.alert;
      runs.push(...after.runs.map((r) => ({ ...r, at })));
    }
  }
  return { runs, quiet, alert: a };
}

describe('transition: one alert per cluster', () => {
  it('bad is every verdict but healthy (starting included)', () => {
    expect(VERDICTS.filter(isBad)).toEqual(['starting', 'unhealthy', 'stale', 'unreachable']);
  });

  it('fires when the verdict goes bad and resolves when it is healthy again; bad to bad runs nothing', () => {
    const { runs } = feed(
      [
        [0, 'healthy'],
        [10, 'unhealthy'],
        [20, 'unhealthy'],
        [30, 'unreachable'],
        [40, 'stale'],
        [50, 'healthy'],
        [60, 'healthy'],
      ],
      { forMs: 0, repeatMs: undefined },
    );
    expect(runs.map((r) => [r.kind, r.at, r.since, r.verdict])).toEqual([
      ['firing', 10, 10, 'unhealthy'],
      ['resolved', 50, 10, 'healthy'],
    ]);
    expect(runs[1]).toMatchObject({ was: 'stale', firedAt: 10, firedVerdict: 'unhealthy', episode: 1 });
  });

  it('a watch that starts on a bad verdict fires at once; one that starts healthy runs nothing', () => {
    expect(feed([[0, 'starting']], { forMs: 0, repeatMs: undefined }).runs).toHaveLength(1);
    expect(feed([[0, 'healthy']], { forMs: 0, repeatMs: undefined }).runs).toHaveLength(0);
  });

  it('--for: a bad verdict must hold that long; a shorter one is a flap (no run, a quiet note)', () => {
    const t = { forMs: 2 * MIN, repeatMs: undefined };
    const flap = feed(
      [
        [0, 'healthy'],
        [MIN, 'unhealthy'],
        [2 * MIN, 'tick'],
        [MIN + 90_000, 'healthy'],
      ],
      t,
    );
    expect(flap.runs).toEqual([]);
    expect(flap.quiet).toEqual([`pending@${MIN}`, `flap@${MIN + 90_000}`]);
    const held = feed(
      [
        [0, 'healthy'],
        [MIN, 'unhealthy'],
        [2 * MIN, 'tick'],
        [3 * MIN - 1, 'tick'],
        [3 * MIN, 'tick'],
        [4 * MIN, 'unreachable'],
        [5 * MIN, 'healthy'],
      ],
      t,
    );
    expect(held.runs.map((r) => [r.kind, r.at, r.since])).toEqual([
      ['firing', 3 * MIN, MIN],
      ['resolved', 5 * MIN, MIN],
    ]);
  });

  it('--repeat: firing again while still bad, counted; never after the resolve', () => {
    const { runs } = feed(
      [
        [0, 'unhealthy'],
        [4 * MIN, 'tick'],
        [5 * MIN, 'tick'],
        [9 * MIN, 'tick'],
        [10 * MIN, 'tick'],
        [12 * MIN, 'healthy'],
        [20 * MIN, 'tick'],
      ],
      { forMs: 0, repeatMs: 5 * MIN },
    );
    expect(runs.map((r) => [r.kind, r.at, r.kind === 'firing' ? r.repeat : '-'])).toEqual([
      ['firing', 0, 0],
      ['firing', 5 * MIN, 1],
      ['firing', 10 * MIN, 2],
      ['resolved', 12 * MIN, '-'],
    ]);
  });

  it('property: runs alternate firing → resolved, never twice the same state; every firing held --for', () => {
    const verdict = fc.constantFrom<Verdict>(...VERDICTS);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * MIN }), fc.option(verdict, { nil: 'tick' as const })), {
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 4 * MIN }),
        (steps, forMs) => {
          let at = 0;
          const seq: [number, Verdict | 'tick'][] = [];
          for (const [dt, v] of steps) {
            at += dt;
            seq.push([at, v]);
          }
          const { runs } = feed(seq, { forMs, repeatMs: undefined });
          runs.forEach((r, i) => {
            expect(r.kind).toBe(i % 2 === 0 ? 'firing' : 'resolved');
            if (r.kind === 'firing') expect(r.at - r.since).toBeGreaterThanOrEqual(forMs);
          });
        },
      ),
    );
  });
});
