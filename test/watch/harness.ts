/** A simulator on a manual clock, a fault proxy in front, a client and a recording observer. */
import type { ClusterClient } from '../../src/api/client.js';
import {
  manualClock,
  type Scenario,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import {
  createWatcher,
  type WatchedEvent,
  type Watcher,
  type WatchNotice,
  type WatchOptions,
} from '../../src/watch/engine.js';
import { clientFor, type FaultProxy, startFaultProxy, virtualClock } from './support.js';

export const T0 = Date.parse('2025-12-08T12:00:00Z');

export interface Rig {
  sim: Simulator;
  proxy: FaultProxy;
  clock: Clock & { slept: number };
  client: ClusterClient;
  events: WatchedEvent[];
  notices: WatchNotice[];
  watcher: Watcher;
  ids(): string[];
  /** Ids the simulator recorded from `fromId` (inclusive) on, in order. */
  loggedFrom(fromId: string | undefined): string[];
  close(): Promise<void>;
}

export async function rig(
  opts: {
    scenario?: string | Scenario;
    seed?: number;
    history?: number;
    sim?: Partial<SimulatorOptions>;
    watch?: Partial<WatchOptions>;
    client?: Parameters<typeof clientFor>[2];
    proxy?: Parameters<typeof startFaultProxy>[1];
  } = {},
): Promise<Rig> {
  const simClock = manualClock(T0);
  const sim = await startSimulator({
    clock: simClock,
    scenario: opts.scenario ?? 'healthy',
    seed: opts.seed ?? 7,
    history: opts.history ?? 3_600_000,
    ...opts.sim,
  });
  const proxy = await startFaultProxy(sim.url, opts.proxy);
  const clock = virtualClock(simClock);
  const client = await clientFor(proxy.url, clock, opts.client);
  const events: WatchedEvent[] = [];
  const notices: WatchNotice[] = [];
  const watcher = createWatcher({
    client,
    clock,
    intervalMs: 10_000,
    jitter: 0,
    realTimeGuard: false,
    ...opts.watch,
    observer: { event: (e) => events.push(e), notice: (n) => notices.push(n), ...opts.watch?.observer },
  });
  return {
    sim,
    proxy,
    clock,
    client,
    events,
    notices,
    watcher,
    ids: () => events.map((e) => e.event.id),
    loggedFrom(fromId) {
      const log = sim.model.log.map((l) => l.event.id);
      const i = fromId === undefined ? 0 : log.indexOf(fromId);
      if (i < 0) throw new Error(`id ${fromId} not in the simulator's log`);
      return log.slice(i);
    },
    async close() {
      client.close();
      await proxy.close();
      await sim.close();
    },
  };
}

/** Drive `step` and the virtual clock until simulated time passes `untilMs` (or the watcher ends). */
export async function drive(
  r: Rig,
  untilMs: number,
): Promise<ReturnType<Watcher['step']> extends Promise<infer O> ? O : never> {
  for (;;) {
    const o = await r.watcher.step();
    if (o.done || r.clock.now() >= untilMs) return o;
    await r.clock.sleep(o.delayMs);
  }
}

/**
 * Poll until a poll gets through without an error, e.g. once the faults are over: the watcher has
 * then caught up with everything recorded so far. With a client timeout of a few tens of
 * milliseconds, a loaded machine may miss it outside the faults too, a fault like the others.
 */
export async function catchUp(r: Rig): Promise<void> {
  for (let tries = 1; ; tries++) {
    const errors = r.watcher.snapshot().errors;
    const o = await r.watcher.step();
    if (o.done) throw new Error('the watcher ended');
    if (r.watcher.snapshot().errors === errors) return;
    if (tries >= 50) throw new Error('50 polls without a fault all failed');
    await r.clock.sleep(o.delayMs);
  }
}
