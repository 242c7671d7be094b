/**
 * The gap-free guarantee, as a property: whatever the scenario, the poll interval and the faults
 * between the watcher and the server (dropped connections, 502 bursts, slow and hung answers, via
 * a proxy on 127.0.0.1), the ids the watcher emits are exactly the ids the simulator recorded from
 * the watcher's first output on, in order, each once. Time is the simulator's manual clock, so an
 * hour of simulated watching takes a fraction of a second.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry } from '../helpers/random.js';
import { catchUp, rig, T0 } from './harness.js';
import type { FaultKind } from './support.js';

const MIN = 60_000;

interface Window {
  start: number;
  length: number;
  kind: FaultKind;
  /** Only every n-th request in the window is hit (1 = all). */
  every: number;
}

const windowArb: fc.Arbitrary<Window> = fc.record({
  start: fc.integer({ min: 0, max: 50 * MIN }),
  length: fc.integer({ min: 5_000, max: 15 * MIN }),
  kind: fc.constantFrom<FaultKind>('drop', 'bad-gateway', 'slow', 'hang'),
  every: fc.constantFrom(1, 1, 2, 3),
});

const caseArb = fc.record({
  scenario: fc.constantFrom('healthy', 'startup', 'compiler-outage', 'flapping', 'stalled'),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  history: fc.constantFrom(0, 30 * MIN, 3 * 60 * MIN),
  intervalMs: fc.oneof(fc.integer({ min: 1_000, max: 15_000 }), fc.integer({ min: 15_000, max: 3 * MIN })),
  jitter: fc.constantFrom(0, 0.1),
  durationMs: fc.integer({ min: 5 * MIN, max: 60 * MIN }),
  // at most ~300 polls per run keeps the suite fast
  windows: fc.array(windowArb, { maxLength: 4 }),
  // With the cadence shortcut (the default) and without it: a list on every change.
  skipProvableLists: fc.boolean(),
});

describe('event watch engine: gap-free under faults (property)', () => {
  it('emits exactly the recorded ids, in order, each once', { timeout: 120_000 }, async () => {
    let listsSkipped = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        // The first poll must see the latest event the test counts from: faults start after it.
        const r = await rig({
          scenario: c.scenario,
          seed: c.seed,
          history: c.history,
          client: { timeoutS: 0.03 },
          proxy: { slowMs: 2, hangMs: 60 },
          watch: {
            intervalMs: c.intervalMs,
            jitter: c.jitter,
            random: mulberry(c.seed),
            skipProvableLists: c.skipProvableLists,
          },
        });
        const t0 = performance.now();
        try {
          let faultsOn = true;
          let n = 0;
          r.proxy.fault = () => {
            if (!faultsOn) return undefined;
            const t = r.clock.now() - T0;
            n++;
            const w = c.windows.find((x) => t >= x.start + 1 && t < x.start + 1 + x.length);
            return w && n % w.every === 0 ? w.kind : undefined;
          };
          const latestAtStart = r.sim.model.latest()?.id;
          const end = T0 + Math.min(c.durationMs, c.intervalMs * 300);
          for (;;) {
            const o = await r.watcher.step();
            expect(o.done).toBe(false);
            if (o.done || r.clock.now() >= end) break;
            await r.clock.sleep(o.delayMs);
          }
          // Faults over: one more poll that gets through catches up with everything recorded so far.
          faultsOn = false;
          await catchUp(r);

          // From the watcher's first output on: on a loaded machine its first poll, too, may miss
          // the timeout, and the next one starts later.
          const emitted = r.ids();
          const recorded = r.loggedFrom(emitted[0] ?? latestAtStart ?? r.sim.model.log[0]?.event.id);
          expect(emitted).toEqual(recorded);
          expect(new Set(emitted).size).toBe(emitted.length);
          if (process.env.WATCH_PROP_DEBUG)
            console.log(
              JSON.stringify({
                ms: Math.round(performance.now() - t0),
                req: r.proxy.requests.length,
                inj: r.proxy.injected,
                ev: emitted.length,
                c,
              }),
            );
          expect(r.notices.filter((x) => x.kind === 'lost' || x.kind === 'late')).toEqual([]);
          // Every outage that started also ended (once each).
          const starts = r.notices.filter((x) => x.kind === 'outage-start').length;
          const ends = r.notices.filter((x) => x.kind === 'outage-end').length;
          expect(ends).toBe(starts);
          const lists = r.proxy.requests.filter((p) => p === '/v0/cluster/events').length;
          if (c.skipProvableLists) listsSkipped += Math.max(0, new Set(emitted).size - 1 - lists);
          // Never the expensive selector without --details.
          expect(r.proxy.requests.some((p) => p.includes('selector=all'))).toBe(false);
        } finally {
          await r.close();
        }
      }),
      { numRuns: 20 },
    );
    // The runs exercised the list-skipping shortcut, not only the list.
    expect(listsSkipped).toBeGreaterThan(0);
  });
});
