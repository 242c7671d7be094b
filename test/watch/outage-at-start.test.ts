/**
 * A watch that starts while the server cannot be reached still shows every event recorded from the
 * moment it started: when the server answers again, what was latest at the start and everything
 * since, in order, each once (behind the fault proxy, on the simulator's manual clock).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  START_MARGIN_MS,
  START_MARGIN_NO_DATE_MS,
  startOnServerClock,
  whenNoEvents,
  whenStartFailed,
} from '../../src/watch/cursor.js';
import { catchUp, drive, rig, T0 } from './harness.js';
import type { FaultKind } from './support.js';

const MIN = 60_000;

describe('the start on the server clock', () => {
  it('is the Date less the local time since the start, less a margin; without a Date the local start less the skew allowance', () => {
    expect(startOnServerClock(1_000_000, 1_030_000, 5_000_000)).toBe(5_000_000 - 30_000 - START_MARGIN_MS);
    expect(startOnServerClock(1_000_000, 1_030_000, undefined)).toBe(1_000_000 - START_MARGIN_NO_DATE_MS);
  });

  it('only a watch that has shown nothing yet turns to "from the start"; no events at all means every one is news', () => {
    expect(whenStartFailed({ kind: 'start' }, 42)).toEqual({ kind: 'from', localStart: 42 });
    expect(whenStartFailed({ kind: 'empty' }, 42)).toEqual({ kind: 'empty' });
    expect(whenNoEvents({ kind: 'from', localStart: 42 })).toEqual({ kind: 'empty' });
  });
});

describe('event watch: an outage at start', () => {
  it('the first answer after a 10-minute outage brings every event recorded since the start', async () => {
    // a dropped connection fails at once: the client's own timeout (2 s) is never waited for
    const r = await rig({ scenario: 'flapping', seed: 11, history: 2 * 60 * MIN });
    try {
      const latestAtStart = r.sim.model.latest()!.id;
      r.proxy.fault = () => (r.clock.now() < T0 + 10 * MIN ? 'drop' : undefined);
      await drive(r, T0 + 30 * MIN);
      await catchUp(r);
      const recorded = r.loggedFrom(latestAtStart);
      expect(recorded.length).toBeGreaterThan(5);
      expect(r.ids()).toEqual(recorded);
      expect(r.notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['outage-start', 'outage-end']));
    } finally {
      await r.close();
    }
  });

  it('whatever the outage, the scenario and the interval: exactly the ids recorded from the start (property)', {
    timeout: 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          scenario: fc.constantFrom('healthy', 'startup', 'compiler-outage', 'flapping'),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          outageMs: fc.integer({ min: 1_000, max: 20 * MIN }),
          kind: fc.constantFrom<FaultKind>('drop', 'bad-gateway', 'hang'),
          intervalMs: fc.integer({ min: 5_000, max: 60_000 }),
          history: fc.constantFrom(0, 30 * MIN),
        }),
        async (c) => {
          const r = await rig({
            scenario: c.scenario,
            seed: c.seed,
            history: c.history,
            client: { timeoutS: 0.02 },
            proxy: { hangMs: 40 },
            watch: { intervalMs: c.intervalMs },
          });
          try {
            const latestAtStart = r.sim.model.latest()?.id;
            r.proxy.fault = () => (r.clock.now() < T0 + c.outageMs ? c.kind : undefined);
            await drive(r, T0 + c.outageMs + 20 * MIN);
            await catchUp(r);
            // "startup" begins with no event at all: then every event is news.
            expect(r.ids()).toEqual(r.loggedFrom(latestAtStart ?? r.sim.model.log[0]?.event.id));
          } finally {
            await r.close();
          }
        },
      ),
      { numRuns: 8, seed: 20_251_208 },
    );
  });
});
