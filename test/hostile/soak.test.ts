/**
 * The chaos soak: `cluster event watch --json` (the command, in-process, through its own parser)
 * through the fault proxy of test/watch/support.ts against the simulator playing `flapping` at
 * `--speed 60` in real time. The proxy drops connections (resets), answers bursts of HTML 502s,
 * answers slowly and, beyond the request timeout, not at all; the first 10 s nothing gets
 * through (an outage at start), the last few seconds are calm so the watch can catch up. Then:
 * every event recorded from the watch's start is printed, each once, in order. Now and then the
 * server's Date header lies (`1`, the epoch, garbage, 3 hours behind or ahead): the watch's clock
 * is right, so no lie may turn a flapping, recording cluster stale, and the lie is said once.
 *
 * The watch runs on the simulator's clock, as a watch of a real Feldera runs on a clock that keeps
 * pace with the server's (at --speed 60 the local clock would not: ten local seconds are ten
 * simulated minutes).
 *
 * `npm run soak` (SOAK_SECONDS=300) runs 5 minutes of real time and prints the figures
 * (SOAK_REPORT): request timeouts, delays and the soak's length are real time, the simulator
 * runs at --speed 60. `npm test` runs the same schedule for 20 soak-seconds on a virtual clock: the
 * simulator's clock moves only when the watch waits (by what it waits), and the schedule of faults
 * follows that clock, so how fast the machine runs changes nothing but how long it takes (a few
 * seconds: the answers held past the request timeout are real waits).
 */
import { describe, expect, it } from 'vitest';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { compareKeys, keyOf } from '../../src/domain/order.js';
import { manualClock, startSimulator } from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import { tempConfigDir } from '../helpers/cli.js';
import { invoke } from '../helpers/command.js';
import { bufferIO } from '../helpers/io.js';
import { mulberry } from '../helpers/random.js';
import { type FaultKind, startFaultProxy, virtualClock } from '../watch/support.js';

/** Real time (npm run soak), or the simulator's clock moved by the watch's waits (npm test). */
const REAL = process.env.SOAK_SECONDS !== undefined;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const SPEED = 60;
const OUTAGE_AT_START_S = 10;
const CALM_TAIL_S = 4;
/** Of the requests outside the outage and the calm tail, this many start a fault. */
const FAULT_RATE = Number(process.env.SOAK_FAULT_RATE ?? 0.15);
/** Of the answers that get through, this many carry a Date header that lies. */
const LIE_RATE = Number(process.env.SOAK_LIE_RATE ?? 0.2);
const HOUR_MS = 3_600_000;

/** A clock on the simulator's time whose waits are real waits of a SPEEDth. */
function realWaits(sim: { now(): number }): Clock {
  return {
    now: () => Math.floor(sim.now()),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearTimeout(t);
          reject(signal!.reason);
        };
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms / SPEED);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

describe('chaos soak: event watch through a fault proxy', () => {
  it(`${SECONDS} s of flapping at --speed ${SPEED}${REAL ? '' : ' (virtual time)'}: nothing missed, duplicated or out of order`, {
    timeout: (SECONDS + 30) * 1000,
  }, async () => {
    const simClock = manualClock(Date.now());
    const sim = await startSimulator({
      scenario: 'flapping',
      history: 3_600_000,
      seed: 60,
      ...(REAL ? { speed: SPEED } : { clock: simClock }),
    });
    // `hang` holds an answer past the 1 s request timeout: real time in either mode
    const proxy = await startFaultProxy(sim.url, REAL ? { slowMs: 250, hangMs: 1500 } : { slowMs: 20, hangMs: 1100 });
    const random = mulberry(Number(process.env.SOAK_SEED ?? 7));
    const realStart = performance.now();
    const simStart = sim.clock.now();
    /** Seconds into the soak: real ones, or simulated ones over SPEED. */
    const elapsedS = REAL
      ? () => (performance.now() - realStart) / 1000
      : () => (sim.clock.now() - simStart) / 1000 / SPEED;
    let burst = 0;
    proxy.fault = (): FaultKind | undefined => {
      const t = elapsedS();
      if (t < OUTAGE_AT_START_S) return random() < 0.5 ? 'drop' : 'bad-gateway';
      if (t > SECONDS - CALM_TAIL_S) return undefined;
      if (burst > 0) {
        burst--;
        return 'bad-gateway';
      }
      const r = random();
      if (r >= FAULT_RATE) return undefined;
      const kind = (['drop', 'bad-gateway', 'slow', 'hang'] as const)[Math.floor((r / FAULT_RATE) * 4)]!;
      if (kind === 'bad-gateway') burst = Math.floor(random() * 5);
      return kind;
    };
    let lies = 0;
    proxy.date = () => {
      if (random() >= LIE_RATE) return undefined;
      lies++;
      const now = sim.clock.now();
      const pick = Math.floor(random() * 5);
      if (pick === 0) return '1';
      if (pick === 1) return 'Thu, 01 Jan 1970 00:00:00 GMT';
      if (pick === 2) return 'tomorrow, probably';
      return new Date(now + (pick === 3 ? -3 : 3) * HOUR_MS).toUTCString();
    };
    // The watch's clock is the simulator's: waits are real waits of a sixtieth, or move the virtual clock.
    const clock: Clock = REAL ? realWaits(sim.clock) : virtualClock(simClock);
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    const latestAtStart = sim.model.latest()!;
    const argv = [
      '--json',
      '--interval',
      '10s',
      '--timeout',
      `${SECONDS * SPEED}s`,
      '--host',
      proxy.url,
      '--request-timeout',
      '1',
    ];
    const r = await invoke(newCmdWatch, argv, { io, clock });
    const simEnd = sim.clock.now();
    await proxy.close();
    await sim.close();

    const emitted = io
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { id?: string; recorded_at?: string; error?: { kind: string }; notice?: string })
      // the last line is the timeout's error object
      // the tool's notice lines (outage, staleness) carry no id: only the server's events are counted
      .filter((e): e is { id: string; recorded_at: string } => e.error === undefined && e.notice === undefined);
    const log = sim.model.log.map((l) => l.event);
    const from = log.findIndex((e) => e.id === latestAtStart.id);
    // Every event from the latest at the start on, except those recorded too late for the watch to
    // have polled since: one interval with its jitter (11 s) and one request timeout (1 s real time,
    // SPEED s simulated) before the end.
    const due = log.slice(from).filter((e) => Date.parse(e.recorded_at) < simEnd - 11_000 - SPEED * 1000);
    const ids = new Set(emitted.map((e) => e.id));
    const missed = due.filter((e) => !ids.has(e.id)).length;
    const duplicated = emitted.length - ids.size;
    const outOfOrder = emitted.filter((e, i) => i > 0 && compareKeys(keyOf(emitted[i - 1]!), keyOf(e)) >= 0).length;
    const faults = Object.values(proxy.injected).reduce((a, b) => a + b, 0);
    const figures = {
      seconds: SECONDS,
      requests: proxy.requests.length,
      faults,
      injected: proxy.injected,
      recordedSinceStart: log.length - from,
      emitted: emitted.length,
      missed,
      duplicated,
      outOfOrder,
      outages: (io.err().match(/^outage: /gm) ?? []).length,
      lies,
      clockWarnings: (io.err().match(/Date header\) is/g) ?? []).length,
    };
    if (process.env.SOAK_REPORT) console.log(JSON.stringify(figures));
    expect(r.code, io.err()).toBe(124);
    expect(figures).toMatchObject({ missed: 0, duplicated: 0, outOfOrder: 0 });
    expect(emitted[0]!.id).toBe(latestAtStart.id);
    expect(emitted.length).toBeGreaterThanOrEqual(due.length);
    expect(faults).toBeGreaterThanOrEqual(SECONDS >= 300 ? 100 : 20);
    expect(figures.outages).toBeGreaterThanOrEqual(1);
    // Lies got through, were said once, and none made the recording cluster stale.
    expect(lies).toBeGreaterThanOrEqual(SECONDS >= 300 ? 20 : 1);
    expect(figures.clockWarnings).toBeLessThanOrEqual(1);
    expect(io.out()).not.toContain('"notice":"stale"');
  });
});
