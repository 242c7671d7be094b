/**
 * The watch engine against the simulator on a manual clock (and a fault proxy in front of it):
 * every behaviour of the issue, in simulated minutes that take milliseconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { parseScenario } from '../../src/simulator/index.js';
import { createRng } from '../../src/simulator/rng.js';
import { createWatcher, type WatchEnd } from '../../src/watch/engine.js';
import { until } from '../helpers/wait.js';
import { BASE, ev, scripted } from './events.js';
import { drive, type Rig, rig, T0 } from './harness.js';
import { clientFor } from './support.js';

const S = 1000;
const MIN = 60 * S;
/** Longer than any test may run: a request that hangs this long is ended by the watch or not at all. */
const HANG_MS = 10 * MIN;

let open: Rig[] = [];
async function make(...args: Parameters<typeof rig>): Promise<Rig> {
  const r = await rig(...args);
  open.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(open.map((r) => r.close()));
  open = [];
});

const ended = (o: Awaited<ReturnType<typeof drive>>): WatchEnd => {
  if (!o.done) throw new Error('the watcher is still going');
  return o.end;
};

/** Flips the runner every round: one event per 10-second round (retention is reached quickly). */
const everyRound = parseScenario({
  name: 'every-round',
  services: {
    runner: {
      start: 0,
      repeat: '20s',
      steps: [
        { at: '0s', kind: 'unreachable' },
        { at: '10s', kind: 'healthy' },
      ],
    },
  },
});

describe('polling', () => {
  it('first output is the current latest; an unchanged poll is exactly one status request', async () => {
    const r = await make({ history: 2 * 3_600_000 });
    const latest = r.sim.model.latest()!;
    let o = await r.watcher.step();
    expect(o).toMatchObject({ done: false, changed: true, delayMs: 10_000 });
    expect(r.ids()).toEqual([latest.id]);
    expect(r.events[0]!.previous).toBeUndefined();
    expect(r.proxy.requests).toEqual(['/v0/cluster/events/latest?selector=status']);
    let unchanged = 0;
    for (let i = 0; i < 8; i++) {
      await r.clock.sleep(10_000);
      const before = r.client.stats();
      const n = r.proxy.requests.length;
      o = await r.watcher.step();
      const after = r.client.stats();
      if (o.done || o.changed) continue; // a 10-minute event came in
      unchanged++;
      expect(after.requests - before.requests).toBe(1);
      expect(r.proxy.requests.slice(n)).toEqual(['/v0/cluster/events/latest?selector=status']);
      expect(after.bytesReceived - before.bytesReceived).toBeLessThan(600);
    }
    expect(unchanged).toBeGreaterThanOrEqual(6);
    expect(r.ids()).toEqual(r.loggedFrom(latest.id));
  });

  it('on a new latest id, fetches the list once and emits everything since, oldest first, once each', async () => {
    const r = await make({ scenario: 'flapping', history: 0, watch: { intervalMs: 5 * MIN } });
    await drive(r, T0 + 40 * MIN);
    const lists = r.proxy.requests.filter((p) => p === '/v0/cluster/events').length;
    const changedPolls = r.proxy.requests.length - lists;
    expect(lists).toBeGreaterThan(3);
    expect(lists).toBeLessThanOrEqual(changedPolls);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
    // Several events arrived between two polls, and each one's changes are against its predecessor.
    for (let i = 1; i < r.events.length; i++) expect(r.events[i]!.previous?.id).toBe(r.events[i - 1]!.event.id);
    expect(r.events.some((e) => e.changes.some((c) => c.service === 'runner' && c.to === 'Unhealthy'))).toBe(true);
  });

  it('waits the interval with a little jitter (±10 % by default)', async () => {
    let x = 0;
    const seq = [0, 1, 0.5, 0.25, 0.999];
    const r = await make({
      watch: { intervalMs: 30_000, jitter: undefined, random: () => seq[x++ % seq.length]!, skipProvableLists: false },
    });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const o = await r.watcher.step();
      if (!o.done) delays.push(o.delayMs);
      await r.clock.sleep(1000);
    }
    expect(delays).toEqual([27_000, 33_000, 30_000, 28_500, 32_994]);
  });

  it('run() sleeps on the injected clock between polls', async () => {
    const r = await make({ watch: { intervalMs: 60_000, timeoutMs: 10 * MIN, skipProvableLists: false } });
    const end = await r.watcher.run();
    expect(end).toEqual({ reason: 'timeout', exitCode: 124 });
    expect(r.clock.now() - T0).toBe(10 * MIN);
    const snap = r.watcher.snapshot();
    expect(snap).toMatchObject({ polls: 10, errors: 0, requests: r.proxy.requests.length });
    // One request per poll, plus one list per new event.
    expect(snap.requests).toBe(10 + snap.events - 1);
  });
});

describe('faults', () => {
  it('rides out dropped connections with capped exponential back-off, one notice at each end, and fills the gap', async () => {
    const r = await make({ scenario: 'compiler-outage', history: 0, watch: { intervalMs: 10 * S } });
    r.proxy.fault = () => (r.clock.now() >= T0 + 3 * MIN && r.clock.now() < T0 + 20 * MIN ? 'drop' : undefined);
    const delays: number[] = [];
    for (;;) {
      const o = await r.watcher.step();
      if (o.done) throw new Error('ended');
      if (r.clock.now() >= T0 + 3 * MIN && r.clock.now() < T0 + 20 * MIN) delays.push(o.delayMs);
      if (r.clock.now() >= T0 + 30 * MIN) break;
      await r.clock.sleep(o.delayMs);
    }
    // 1 s, 2 s, 4 s, … doubling, capped at the interval.
    expect(delays.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    expect(Math.max(...delays)).toBe(10_000);
    const kinds = r.notices.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'outage-start')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'outage-end')).toHaveLength(1);
    const start = r.notices.find((n) => n.kind === 'outage-start')!;
    expect(start).toMatchObject({ reason: expect.stringContaining('connection reset') });
    const endN = r.notices.find((n) => n.kind === 'outage-end')!;
    expect(endN.kind === 'outage-end' && endN.durationMs).toBeGreaterThanOrEqual(17 * MIN);
    // The compiler went down at 5 min and was recorded during the outage: nothing is missing.
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
    expect(r.events.some((e) => e.changes.some((c) => c.service === 'compiler' && c.to === 'Unhealthy'))).toBe(true);
    expect(r.watcher.snapshot().errors).toBe(delays.length);
  });

  it('treats a burst of HTML 502s as an outage and says why', async () => {
    const r = await make({});
    const latestAtStart = r.sim.model.latest()!.id;
    r.proxy.fault = () => (r.clock.now() < T0 + 30 * S ? 'bad-gateway' : undefined);
    await drive(r, T0 + 2 * MIN);
    expect(r.notices[0]).toMatchObject({ kind: 'outage-start', reason: expect.stringMatching(/502 Bad Gateway/) });
    expect(r.notices[1]).toMatchObject({ kind: 'outage-end' });
    // The latest at the start, and the periodic event recorded 13 s into the outage.
    expect(r.ids()).toEqual(r.loggedFrom(latestAtStart));
    expect(r.ids()).toHaveLength(2);
  });

  it('an answer to latest alone does not end an outage while the list keeps failing', async () => {
    const r = await make({ scenario: 'flapping', history: 0, watch: { intervalMs: 30 * S } });
    await r.watcher.step();
    r.proxy.fault = (p) => (p === '/v0/cluster/events' && r.clock.now() < T0 + 10 * MIN ? 'bad-gateway' : undefined);
    await drive(r, T0 + 15 * MIN);
    expect(r.notices.filter((n) => n.kind === 'outage-start')).toHaveLength(1);
    expect(r.notices.filter((n) => n.kind === 'outage-end')).toHaveLength(1);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
  });

  it('when retention deleted the last event seen, emits what is left and bounds what may be lost', async () => {
    const r = await make({ scenario: everyRound, history: 0, watch: { intervalMs: 10 * S } });
    await drive(r, T0 + MIN);
    const seenBefore = r.ids().length;
    // Away for 4 hours: ~1400 events recorded, only the newest 1000 retained.
    r.proxy.fault = () => (r.clock.now() < T0 + 4 * 60 * MIN ? 'drop' : undefined);
    await drive(r, T0 + 4 * 60 * MIN + MIN);
    const lost = r.notices.filter((n) => n.kind === 'lost');
    expect(lost).toHaveLength(1);
    const log = r.sim.model.log;
    const logIds = log.map((l) => l.event.id);
    const after = r.ids().slice(seenBefore);
    const iLast = logIds.indexOf(r.ids()[seenBefore - 1]!);
    const iFirst = logIds.indexOf(after[0]!);
    const reallyLost = iFirst - iLast - 1;
    expect(reallyLost).toBeGreaterThan(300);
    expect(log.slice(iLast + 1, iFirst).every((l) => l.deletedAtUs !== undefined)).toBe(true);
    // The bound holds and is tight (one event per 10-second round at most).
    const upTo = lost[0]!.kind === 'lost' ? lost[0]!.upTo : -1;
    expect(upTo).toBeGreaterThanOrEqual(reallyLost);
    expect(upTo).toBeLessThanOrEqual(reallyLost + 10);
    // Everything retained after the gap, and everything since, once each, in order.
    expect(after).toEqual(logIds.slice(iFirst));
    expect(after.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(r.ids()).size).toBe(r.ids().length);
  });

  it('says "no events recorded yet" once, keeps polling, then shows every event from the first', async () => {
    const r = await make({ scenario: 'startup', history: 0, sim: { start: T0 - 1 } });
    r.sim.clock; // started before the monitor's first round is done
    const o = await r.watcher.step();
    expect(o.done).toBe(false);
    expect(r.notices).toEqual([{ kind: 'no-events' }]);
    await drive(r, T0 + 10 * MIN);
    expect(r.notices.filter((n) => n.kind === 'no-events')).toHaveLength(1);
    expect(r.ids()).toEqual(r.loggedFrom(undefined));
    expect(r.watcher.snapshot().errors).toBe(0);
  });

  it('stops with exit 1 on a 404 without a Feldera body (no such API)', async () => {
    const r = await make({ sim: { omitRoutes: ['cluster_events'] } });
    const end = ended(await r.watcher.step());
    expect(end.reason).toBe('fatal');
    expect(end.exitCode).toBe(1);
    expect(end.reason === 'fatal' && (end.error as ApiError).apiKind).toBe('no-api');
  });

  it('stops with exit 1 and the hint on 401 without a token command', async () => {
    const r = await make({ sim: { apiKey: 'apikey:right' }, client: { apiKey: 'apikey:wrong' } });
    const end = ended(await r.watcher.step());
    expect(end).toMatchObject({ reason: 'fatal', exitCode: 1 });
    expect(end.reason === 'fatal' && end.error.message).toMatch(/not authorised/);
    expect(end.reason === 'fatal' && end.error.hint).toMatch(/FELDERA_API_KEY/);
  });

  it('on 401 with a token command, runs it again once and goes on', async () => {
    const tokens = ['apikey:expired', 'apikey:right', 'apikey:expired', 'apikey:right'];
    let runs = 0;
    const r = await make({
      sim: { apiKey: 'apikey:right' },
      client: { tokenCommand: 'print-token', runTokenCommand: async () => tokens[runs++]! },
    });
    let o = await r.watcher.step();
    expect(o).toMatchObject({ done: false, delayMs: 0 });
    expect(r.notices).toEqual([{ kind: 'credential-refresh', status: 401 }]);
    o = await r.watcher.step();
    expect(o.done).toBe(false);
    expect(r.ids()).toHaveLength(1);
    expect(runs).toBe(2);
    // Hours later the token expires again: one more refresh is allowed.
    await r.clock.sleep(10_000);
    expect((await r.watcher.step()).done).toBe(false);
    runs = 2; // next token: expired, then right
    const client = r.client as unknown as { refreshCredential(): boolean };
    client.refreshCredential();
    o = await r.watcher.step();
    expect(o).toMatchObject({ done: false, delayMs: 0 });
    expect((await r.watcher.step()).done).toBe(false);
    expect(r.notices.filter((n) => n.kind === 'credential-refresh')).toHaveLength(2);
  });

  it('on 401 again right after re-running the token command, stops with exit 1', async () => {
    let runs = 0;
    const r = await make({
      sim: { apiKey: 'apikey:right' },
      client: {
        tokenCommand: 'print-token',
        runTokenCommand: async () => {
          runs++;
          return 'apikey:wrong';
        },
      },
    });
    expect((await r.watcher.step()).done).toBe(false);
    const end = ended(await r.watcher.step());
    expect(end).toMatchObject({ reason: 'fatal', exitCode: 1 });
    expect(runs).toBe(2);
  });

  it('403 (role too low) stops with exit 1', async () => {
    const r = await make({ sim: { role: 'none' } });
    const end = ended(await r.watcher.step());
    expect(end.reason === 'fatal' && (end.error as ApiError).apiKind).toBe('forbidden');
  });
});

describe('staleness', () => {
  it('says once that the recorder stopped (by the server Date), and once more when events resume', async () => {
    const scenario = parseScenario({
      name: 'stop-and-go',
      recorder: [
        { at: '3m', running: false },
        { at: '50m', running: true },
      ],
    });
    const r = await make({ scenario, history: 0, watch: { intervalMs: MIN, staleAfterMs: 12 * MIN } });
    await drive(r, T0 + 70 * MIN);
    const kinds = r.notices.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'stale')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'resumed')).toHaveLength(1);
    expect(kinds.indexOf('stale')).toBeLessThan(kinds.indexOf('resumed'));
    const stale = r.notices.find((n) => n.kind === 'stale')!;
    // Declared stale on the first poll past 12 minutes of silence (events stopped ~3 min in).
    expect(stale.kind === 'stale' && stale.ageMs).toBeGreaterThan(12 * MIN);
    expect(stale.kind === 'stale' && stale.ageMs).toBeLessThan(14 * MIN);
    const resumed = r.notices.find((n) => n.kind === 'resumed')!;
    expect(resumed.kind === 'resumed' && resumed.silentMs).toBeGreaterThan(40 * MIN);
  });

  it('honours --stale-after', async () => {
    const r = await make({ scenario: 'stalled', history: 0, watch: { intervalMs: MIN, staleAfterMs: 30 * MIN } });
    await drive(r, T0 + 25 * MIN);
    expect(r.notices.filter((n) => n.kind === 'stale')).toHaveLength(0);
    await drive(r, T0 + 40 * MIN);
    expect(r.notices.filter((n) => n.kind === 'stale')).toHaveLength(1);
    expect(r.watcher.snapshot().stale).toBe(true);
  });
});

describe('a stale newest event, as it is shown', () => {
  it('the first event, already stale when the watch starts, is shown as stale', async () => {
    const r = await make({
      scenario: 'stalled',
      history: 40 * MIN,
      watch: { intervalMs: MIN, staleAfterMs: 12 * MIN },
    });
    expect((await r.watcher.step()).done).toBe(false);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.stale).toBe(true);
    expect(r.notices.map((n) => n.kind)).toEqual(['stale']);
  });

  it('in a batch only the last event, the newest, can be stale; older ones never are', async () => {
    // e1 is fresh at the first poll; the next poll comes 20 minutes after e3.
    const [e1, e2, e3] = [ev(1, 0), ev(2, 60), ev(3, 70)];
    const client = scripted([
      { now: 1, latest: e1, list: [e1] },
      { now: 70 + 20 * 60, latest: e3, list: [e3, e2, e1] },
    ]);
    const shown: { id: string; stale: boolean }[] = [];
    const w = createWatcher({
      client,
      clock: { now: () => BASE, sleep: async () => undefined },
      intervalMs: 10_000,
      jitter: 0,
      staleAfterMs: 12 * MIN,
      observer: { event: (x) => shown.push({ id: x.event.id, stale: x.stale }) },
    });
    for (let k = 0; k < 2; k++) expect((await w.step()).done).toBe(false);
    expect(client.listCalls()).toBe(1);
    // e2 is older than e3 and older than the limit too, but it is not the newest event.
    expect(shown).toEqual([
      { id: e1.id, stale: false },
      { id: e2.id, stale: false },
      { id: e3.id, stale: true },
    ]);
  });

  it('an event that turns stale after it was shown is not shown again; the notice says it', async () => {
    const r = await make({ scenario: 'stalled', history: 0, watch: { intervalMs: MIN, staleAfterMs: 12 * MIN } });
    await drive(r, T0 + 10 * MIN);
    const shown = r.ids();
    expect(shown.length).toBeGreaterThan(0);
    expect(r.notices.filter((n) => n.kind === 'stale')).toHaveLength(0);
    await drive(r, T0 + 40 * MIN);
    expect(r.notices.filter((n) => n.kind === 'stale')).toHaveLength(1);
    expect(r.watcher.snapshot().stale).toBe(true);
    expect(r.ids()).toEqual(shown);
    expect(r.events.every((e) => !e.stale)).toBe(true);
  });
});

describe('--until and --timeout', () => {
  it('healthy: exit 0 at once when it already holds', async () => {
    const r = await make({ watch: { until: 'healthy' } });
    expect(ended(await r.watcher.step())).toEqual({ reason: 'until', condition: 'healthy', exitCode: 0 });
    expect(r.ids()).toHaveLength(1);
  });

  it('healthy: stale data never counts as healthy', async () => {
    const r = await make({
      scenario: 'stalled',
      history: 90 * MIN,
      watch: { until: 'healthy', intervalMs: MIN, timeoutMs: 10 * MIN },
    });
    expect(await r.watcher.run()).toEqual({ reason: 'timeout', exitCode: 124 });
    expect(r.notices.map((n) => n.kind)).toContain('stale');
  });

  it('healthy: waits through start-up, then exits 0', async () => {
    const r = await make({ scenario: 'startup', history: 0, watch: { until: 'healthy', intervalMs: 30 * S } });
    const end = await r.watcher.run();
    expect(end.reason).toBe('until');
    expect(r.events.at(-1)!.event.all_healthy).toBe(true);
    expect(r.clock.now() - T0).toBeGreaterThan(8 * MIN);
    expect(r.clock.now() - T0).toBeLessThan(10 * MIN);
  });

  it('unhealthy: exits 0 right after the first unhealthy event', async () => {
    const r = await make({ scenario: 'compiler-outage', history: 0, watch: { until: 'unhealthy', intervalMs: MIN } });
    const end = await r.watcher.run();
    expect(end).toMatchObject({ reason: 'until', condition: 'unhealthy', exitCode: 0 });
    expect(r.events.at(-1)!.event.compiler_status).toBe('Unhealthy');
    expect(r.events.filter((e) => !e.event.all_healthy)).toHaveLength(1);
  });

  it('change: exits 0 on the first status change, not on a periodic healthy event', async () => {
    const lateOutage = parseScenario({ name: 'late', services: { compiler: [{ at: '25m', kind: 'unreachable' }] } });
    const r = await make({
      scenario: lateOutage,
      history: 0,
      watch: { until: 'change', intervalMs: MIN, timeoutMs: 60 * MIN },
    });
    const end = await r.watcher.run();
    expect(end.reason).toBe('until');
    const last = r.events.at(-1)!;
    expect(last.changes).toEqual([{ service: 'compiler', from: 'Healthy', to: 'Unhealthy' }]);
    // A 10-minute healthy event came in between and did not count.
    expect(r.events.filter((e) => e.changes.length === 0).length).toBeGreaterThan(1);
  });

  it('unhealthy and change: met by an event in the middle of the first batch after "no events recorded yet"', async () => {
    const [a, b, c] = [ev(1, 100), ev(2, 110, { all_healthy: false, runner_status: 'Unhealthy' }), ev(3, 120)];
    for (const until of ['unhealthy', 'change'] as const) {
      const script = [
        { now: 95, latest: undefined },
        { now: 125, latest: c },
      ];
      let i = -1;
      const answer = <T>(data: T) => ({ data, status: 200, serverDate: BASE + script[i]!.now * 1000, bytes: 1 });
      const client = {
        getEvent: async () => {
          const p = script[++i]!;
          if (!p.latest)
            throw new ApiError('no-events', 'no events recorded yet', {
              endpoint: '/v0/cluster/events/latest',
              status: 404,
            });
          return answer(p.latest);
        },
        listEvents: async () => answer([c, b, a]),
        refreshCredential: () => false,
        stats: () => ({ requests: 0, bytesReceived: 0 }),
      };
      const shown: string[] = [];
      const w = createWatcher({
        client,
        clock: { now: () => BASE, sleep: async () => undefined },
        intervalMs: 10_000,
        jitter: 0,
        until,
        observer: { event: (x) => shown.push(x.event.id) },
      });
      expect((await w.step()).done).toBe(false);
      const end = ended(await w.step());
      expect(end).toMatchObject({ reason: 'until', condition: until, exitCode: 0 });
      // It stops at the event that met it: the runner's outage, not the recovery after it.
      expect(shown).toEqual([a.id, b.id]);
    }
  });

  it('--timeout: exit 124 when the condition never holds', async () => {
    const r = await make({ watch: { until: 'unhealthy', timeoutMs: 5 * MIN, intervalMs: 20 * S } });
    const end = await r.watcher.run();
    expect(end).toEqual({ reason: 'timeout', exitCode: 124 });
    expect(r.clock.now() - T0).toBe(5 * MIN);
  });

  it('--timeout bounds a hung request in real time', async () => {
    // The request hangs far longer than the test may run, and the client would wait for it (30 s):
    // only the watch's own real-time guard can end the run.
    const r = await make({ client: { timeoutS: 30 }, proxy: { hangMs: HANG_MS } });
    r.proxy.fault = () => 'hang';
    const w = createWatcher({ client: r.client, clock: r.clock, intervalMs: 10_000, timeoutMs: 150 });
    expect(await w.run()).toEqual({ reason: 'timeout', exitCode: 124 });
    expect(r.proxy.injected.hang).toBe(1);
  });
});

describe('stopping', () => {
  it('an abort (SIGTERM) stops at once, even mid-request, with exit 143', async () => {
    // The request hangs far longer than the test may run: only the abort can end the run.
    const r = await make({ client: { timeoutS: 30 }, proxy: { hangMs: HANG_MS } });
    const ctl = new AbortController();
    const w = createWatcher({ client: r.client, clock: r.clock, intervalMs: 10_000, signal: ctl.signal });
    expect((await w.step()).done).toBe(false);
    const requests = r.proxy.requests.length;
    r.proxy.fault = () => 'hang';
    const running = w.run();
    // abort once the request is on its way (mid-request), not after some real time
    await until(() => r.proxy.requests.length > requests, 'the request');
    ctl.abort('SIGTERM');
    expect(await running).toEqual({ reason: 'aborted', signal: 'SIGTERM', exitCode: 143 });
    expect(r.proxy.injected.hang).toBe(1);
  });

  it('SIGINT during the wait: exit 130', async () => {
    const r = await make({});
    const ctl = new AbortController();
    const clock = {
      now: () => r.clock.now(),
      sleep: (ms: number, s?: AbortSignal) => {
        ctl.abort('SIGINT');
        return r.clock.sleep(ms, s);
      },
    };
    const w = createWatcher({ client: r.client, clock, intervalMs: 10_000, signal: ctl.signal });
    expect(await w.run()).toEqual({ reason: 'aborted', signal: 'SIGINT', exitCode: 130 });
    expect(w.snapshot().polls).toBe(1);
  });
});

describe('--details', () => {
  it('fetches selector=all once for an event where a service turned unhealthy, never otherwise', async () => {
    const r = await make({ scenario: 'compiler-outage', history: 0, watch: { details: true, intervalMs: MIN } });
    await drive(r, T0 + 40 * MIN);
    const alls = r.proxy.requests.filter((p) => p.includes('selector=all'));
    const turned = r.events.filter((e) => e.detailed.length > 0);
    expect(turned).toHaveLength(1);
    expect(turned[0]!.detailed).toEqual(['compiler']);
    expect(turned[0]!.event.compiler_self_info).toMatch(/compiler/i);
    expect(alls).toEqual([`/v0/cluster/events/${turned[0]!.event.id}?selector=all`]);
    // Still unhealthy events (back-off) and the recovery fetch nothing more.
    expect(r.events.filter((e) => !e.event.all_healthy).length).toBeGreaterThan(1);
  });

  it('without details never asks for selector=all', async () => {
    const r = await make({ scenario: 'compiler-outage', history: 0, watch: { intervalMs: MIN } });
    await drive(r, T0 + 40 * MIN);
    expect(r.proxy.requests.filter((p) => p.includes('selector=all'))).toEqual([]);
  });

  it('a failed reports fetch is a warning, the event is still shown', async () => {
    const r = await make({ scenario: 'compiler-outage', history: 0, watch: { details: true, intervalMs: MIN } });
    r.proxy.fault = (p) => (p.includes('selector=all') ? 'bad-gateway' : undefined);
    await drive(r, T0 + 10 * MIN);
    expect(r.notices.filter((n) => n.kind === 'details-failed')).toHaveLength(1);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
  });
});

describe('--since', () => {
  it('a duration replays the retained history from then, then continues live with no duplicate at the seam', async () => {
    const r = await make({
      scenario: 'flapping',
      history: 3 * 3_600_000,
      watch: { since: { kind: 'ago', ms: 30 * MIN }, intervalMs: MIN },
    });
    await drive(r, T0 + 20 * MIN);
    const replayed = r.events.filter((e) => e.replay);
    expect(replayed.length).toBeGreaterThan(5);
    expect(Date.parse(replayed[0]!.event.recorded_at)).toBeGreaterThanOrEqual(T0 - 30 * MIN);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
    // The event before the window is not shown but the first line's changes are judged against it.
    const log = r.sim.model.log.map((l) => l.event.id);
    expect(replayed[0]!.previous?.id).toBe(log[log.indexOf(replayed[0]!.event.id) - 1]);
    expect(r.notices).toContainEqual({ kind: 'replayed', count: replayed.length });
    expect(r.events.filter((e) => !e.replay).length).toBeGreaterThan(0);
  });

  it('an RFC 3339 time', async () => {
    const r = await make({ history: 3 * 3_600_000, watch: { since: { kind: 'time', at: T0 - 65 * MIN } } });
    await r.watcher.step();
    const want = r.sim.model
      .events()
      .filter((e) => e.recordedAtUs >= (T0 - 65 * MIN) * 1000)
      .map((e) => e.id)
      .reverse();
    expect(want.length).toBeGreaterThanOrEqual(6);
    expect(r.ids()).toEqual(want);
  });

  it('an event id (full or an 8-digit prefix) replays what came after it', async () => {
    for (const cut of [36, 8]) {
      const r = await make({ history: 3 * 3_600_000 });
      const all = r.sim.model
        .events()
        .map((e) => e.id)
        .reverse();
      const from = all[all.length - 4]!;
      const w = createWatcher({
        client: r.client,
        clock: r.clock,
        intervalMs: 10_000,
        since: { kind: 'id', id: from.slice(0, cut) },
        observer: { event: (e) => r.events.push(e) },
      });
      await w.step();
      expect(r.ids()).toEqual(all.slice(-3));
    }
  });

  it('an id that is not retained and carries no time is an error (exit 1)', async () => {
    const r = await make({ history: 3_600_000, watch: { since: { kind: 'id', id: 'deadbeef' } } });
    const end = ended(await r.watcher.step());
    expect(end).toMatchObject({ reason: 'fatal', exitCode: 1 });
  });

  it('nothing since then: nothing replayed, live from the newest event', async () => {
    const r = await make({ history: 3_600_000, watch: { since: { kind: 'ago', ms: S }, intervalMs: 10 * MIN } });
    await drive(r, T0 + 25 * MIN);
    expect(r.notices).toContainEqual({ kind: 'replayed', count: 0 });
    expect(r.events.every((e) => !e.replay)).toBe(true);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]).slice(0));
    expect(r.ids().length).toBeGreaterThanOrEqual(2);
  });
});

describe('client for tests', () => {
  it('uses no retries inside the client (the engine owns them)', async () => {
    const r = await make({});
    r.proxy.fault = () => 'bad-gateway';
    const c = await clientFor(r.proxy.url, r.clock);
    await expect(c.getEvent('latest')).rejects.toBeInstanceOf(ApiError);
    expect(r.proxy.requests).toHaveLength(1);
    c.close();
  });
});

describe('skipping lists the monitor cadence makes unnecessary', () => {
  const lists = (r: Rig) => r.proxy.requests.filter((p) => p === '/v0/cluster/events').length;

  it('with polls every 5 s nearly every change is provably the next event: no list, nothing missed', async () => {
    const r = await make({ scenario: 'flapping', history: 0, watch: { intervalMs: 5 * S } });
    await drive(r, T0 + 30 * MIN);
    const changes = r.events.length - 1;
    expect(changes).toBeGreaterThan(20);
    expect(lists(r)).toBeLessThan(changes / 4);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));

    const strict = await make({
      scenario: 'flapping',
      history: 0,
      watch: { intervalMs: 5 * S, skipProvableLists: false },
    });
    await drive(strict, T0 + 30 * MIN);
    expect(strict.ids()).toEqual(r.ids());
    // Without the shortcut: a list for every poll that found news (two events may share one).
    expect(lists(strict)).toBeGreaterThan(changes * 0.9);
    expect(lists(r)).toBeLessThan(lists(strict) / 4);
  });

  it('never skips when the new event came later than a round after the last look', async () => {
    const r = await make({ scenario: 'flapping', history: 0, watch: { intervalMs: 60 * S } });
    await drive(r, T0 + 30 * MIN);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
    // Each poll that found news either read the list or found exactly one event within 7 s of the previous look.
    expect(lists(r)).toBeGreaterThan(0);
  });

  it('still reads the list at least hourly', async () => {
    const r = await make({ history: 3 * 3_600_000, watch: { intervalMs: 5 * S } });
    await drive(r, T0 + 3 * 60 * MIN + 30 * S);
    expect(r.ids().length).toBeGreaterThanOrEqual(18);
    expect(lists(r)).toBeGreaterThanOrEqual(2);
    expect(lists(r)).toBeLessThanOrEqual(4);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
  });

  it('an event the shortcut missed (a server breaking its cadence) turns up late, with a warning', async () => {
    // A scripted server: E2 is recorded 2 s after E1 (two recorders at once), which the cadence rules out.
    const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('Z', '000Z');
    const e = (n: number, s: number) => ({
      id: `019afdd5-0000-7000-8000-00000000000${n}`,
      recorded_at: at(s),
      all_healthy: true,
      api_status: 'Healthy' as const,
      compiler_status: 'Healthy' as const,
      runner_status: 'Healthy' as const,
    });
    const [e1, e2, e3, e4] = [e(1, 0), e(2, 3), e(3, 5), e(4, 3990)];
    const script = [
      { now: 1, latest: e1, list: [e1] },
      { now: 6, latest: e3, list: [e3, e2, e1] },
      { now: 4000, latest: e4, list: [e4, e3, e2, e1] },
    ];
    let i = -1;
    let listCalls = 0;
    const answer = <T>(data: T) => ({ data, status: 200, serverDate: T0 + script[i]!.now * 1000, bytes: 1 });
    const client = {
      getEvent: async () => answer(script[++i]!.latest),
      listEvents: async () => {
        listCalls++;
        return answer(script[i]!.list);
      },
      refreshCredential: () => false,
      stats: () => ({ requests: 0, bytesReceived: 0 }),
    };
    const shown: { id: string; late?: boolean }[] = [];
    const notices: string[] = [];
    const w = createWatcher({
      client,
      // The local clock agrees with the server's (a Date 5 minutes off would not be believed).
      clock: { now: () => T0 + (script[Math.max(i, 0)]!.now ?? 0) * 1000, sleep: async () => undefined },
      intervalMs: 5000,
      jitter: 0,
      observer: {
        event: (x) => shown.push({ id: x.event.id, ...(x.late && { late: true }) }),
        notice: (n) => notices.push(n.kind),
      },
    });
    for (let k = 0; k < 3; k++) expect((await w.step()).done).toBe(false);
    expect(shown).toEqual([{ id: e1.id }, { id: e3.id }, { id: e2.id, late: true }, { id: e4.id }]);
    expect(notices).toEqual(['late']);
    expect(listCalls).toBe(1); // only for the third poll
  });
});

describe('looking early for the 10-minute event', () => {
  it('at the default 10 s interval a healthy cluster costs one status request per poll and an hourly list', async () => {
    // Seeded jitter: with Math.random about 1 run in 100 drew fewer early looks than the bound below.
    const rng = createRng(7);
    const r = await make({
      history: 3 * 3_600_000,
      watch: { intervalMs: 10 * S, jitter: 0.1, random: () => rng.u32() / 2 ** 32 },
    });
    const delays: number[] = [];
    for (;;) {
      const o = await r.watcher.step();
      if (o.done) throw new Error('ended');
      delays.push(o.delayMs);
      if (r.clock.now() >= T0 + 3 * 60 * MIN) break;
      await r.clock.sleep(o.delayMs);
    }
    expect(r.ids().length).toBeGreaterThanOrEqual(18);
    expect(r.ids()).toEqual(r.loggedFrom(r.ids()[0]));
    const lists = r.proxy.requests.filter((p) => p === '/v0/cluster/events').length;
    expect(lists).toBeLessThanOrEqual(4);
    // About one early look per event: a few short waits, never longer than the interval allows.
    const early = delays.filter((d) => d < 9000);
    expect(early.length).toBeGreaterThanOrEqual(10);
    expect(early.length).toBeLessThanOrEqual(r.ids().length + 2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(11_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
  });

  it('no early looks while unhealthy, or with the shortcut off', async () => {
    const r = await make({ history: 3_600_000, watch: { intervalMs: 10 * S, skipProvableLists: false } });
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const o = await r.watcher.step();
      if (!o.done) delays.push(o.delayMs);
      await r.clock.sleep(10 * S);
    }
    expect(new Set(delays)).toEqual(new Set([10 * S]));
  });
});
