/**
 * `cluster event watch` as a command (flags → engine → renderer), run in-process against the
 * simulator on a manual clock, with a buffer IO: every flag, exit codes, output per destination.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newCmdWatch } from '../../../src/commands/event/watch.js';
import type { IO } from '../../../src/io/io.js';
import {
  manualClock,
  parseScenario,
  type Scenario,
  type Simulator,
  startSimulator,
} from '../../../src/simulator/index.js';
import type { Clock } from '../../../src/util/clock.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, invoke, runOrThrow } from '../../helpers/command.js';
import { type BufferIO, bufferIO } from '../../helpers/io.js';
import { T0 } from '../../watch/harness.js';
import { virtualClock } from '../../watch/support.js';

const MIN = 60_000;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

interface Outcome {
  code: number | undefined;
  error: (Error & { exitCode?: number; hint?: string }) | undefined;
  io: BufferIO;
  sim: Simulator;
  clock: Clock;
  sleeps: number[];
  requests: string[];
}

async function watch(
  flags: Record<string, unknown>,
  opts: {
    scenario?: string | Scenario;
    history?: number;
    io?: Partial<IO>;
    stopAfter?: number;
    signal?: 'SIGINT' | 'SIGTERM';
    apiKey?: string;
    env?: Record<string, string>;
  } = {},
): Promise<Outcome> {
  const simClock = manualClock(T0);
  const requests: string[] = [];
  const sim = await startSimulator({
    clock: simClock,
    scenario: opts.scenario ?? 'healthy',
    seed: 11,
    history: opts.history ?? 3_600_000,
    ...(opts.apiKey && { apiKey: opts.apiKey }),
    verbose: true,
    log: (l) => requests.push(l.split(' ')[2]!),
  });
  sims.push(sim);
  const vclock = virtualClock(simClock);
  const ctl = new AbortController();
  const sleeps: number[] = [];
  // Waits between polls; after `stopAfter` of them, the user presses Ctrl-C.
  const clock: Clock = {
    now: vclock.now,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      if (opts.stopAfter !== undefined && sleeps.length > opts.stopAfter) ctl.abort(opts.signal ?? 'SIGINT');
      return vclock.sleep(ms, signal);
    },
  };
  const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir(), ...opts.env }, ...opts.io });
  const r = await invoke(newCmdWatch, argvOf({ host: sim.url, interval: '10s', staleAfter: '12m', ...flags }), {
    io,
    clock,
    signal: ctl.signal,
  });
  return { code: r.error ? undefined : r.code, error: r.error, io, sim, clock, sleeps, requests };
}

describe('event watch (command)', () => {
  it('piped: plain lines, no colour, no status line; Ctrl-C prints the summary and exits 130', async () => {
    const o = await watch({}, { scenario: 'flapping', history: 0, stopAfter: 60 });
    expect(o.code).toBe(130);
    const lines = o.io.out().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines)
      expect(l).toMatch(
        /^\d{4}-\d\d-\d\dT\S+Z {2}(healthy {2}|unhealthy) {2}api=\w+ compiler=\w+ runner=\w+ {2}id=[0-9a-f-]{36}/,
      );
    expect(o.io.out()).toContain('changed: runner Healthy → Unhealthy');
    expect(o.io.out()).not.toMatch(ANSI);
    expect(o.io.err()).not.toContain('\r');
    expect(o.io.err()).toMatch(
      /^no events recorded yet; waiting for the first one\nstopped after \d+m( \d+s)?: 61 polls, \d+ events, [\d.]+ kB received, 0 errors\n$/,
    );
  });

  it("piped: a stalled recorder's newest event is marked stale on its line, as `event list` marks it", async () => {
    const o = await watch({}, { scenario: 'stalled', history: 2 * 3_600_000, stopAfter: 1 });
    const first = o.io.out().split('\n')[0]!;
    expect(first).toMatch(/Z {2}stale {6}api=Healthy compiler=Healthy runner=Healthy {2}id=/);
    expect(o.io.err()).toMatch(/warning: the latest event is 1h 5\dm old/);
  });

  it('SIGTERM: exit 143', async () => {
    const o = await watch({}, { stopAfter: 2, signal: 'SIGTERM' });
    expect(o.code).toBe(143);
    expect(o.io.err()).toMatch(/^stopped after \d+s: 3 polls, \d events?, [\d.]+ k?B received, 0 errors\n$/);
  });

  it('at a terminal: coloured lines on stdout, a status line redrawn on stderr', async () => {
    const o = await watch(
      {},
      {
        scenario: 'compiler-outage',
        history: 0,
        stopAfter: 900,
        io: { stdoutIsTTY: true, stderrIsTTY: true, color: true, colorErr: true },
      },
    );
    expect(o.code).toBe(130);
    expect(o.io.out()).toMatch(ANSI);
    const plain = o.io.out().replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/compiler ✓ → ✗ Unhealthy/); // 80 columns: the compact layout
    expect(o.io.err()).toContain('\r\u001b[2K');
    expect(o.io.err()).toMatch(/last poll \d+s ago · next in \d+s · [\d.]+ k?B received · 0 errors/);
    // The status line ages between polls: the waits are cut into 1-second slices.
    expect(Math.max(...o.sleeps)).toBe(1000);
  });

  it("stdout piped, stderr a terminal (`watch | grep`): no status line to run into the reader's lines", async () => {
    const o = await watch({}, { stopAfter: 3, io: { stdoutIsTTY: false, stderrIsTTY: true, colorErr: true } });
    expect(o.code).toBe(130);
    expect(o.io.err()).not.toContain('\r');
    expect(o.io.err()).not.toContain('last poll');
    expect(Math.max(...o.sleeps)).toBeGreaterThan(1000); // no 1-second slices for a status line
  });

  it('--json: NDJSON, one server object per line, nothing else on stdout', async () => {
    const o = await watch(
      { json: true },
      { scenario: 'flapping', history: 0, stopAfter: 40, io: { stderrIsTTY: false } },
    );
    const lines = o.io.out().split('\n');
    expect(lines.pop()).toBe('');
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.length).toBeGreaterThan(2);
    for (const x of objs)
      expect(Object.keys(x)).toEqual([
        'id',
        'recorded_at',
        'all_healthy',
        'api_status',
        'compiler_status',
        'runner_status',
      ]);
    expect(objs.map((x) => x.id)).toEqual(o.sim.model.log.map((l) => l.event.id).slice(0, objs.length));
    expect(o.io.err()).toMatch(/no events recorded yet[\s\S]*stopped after/);
  });

  it('--interval: 5s and 1m accepted (with jitter), under 1s refused (exit 64)', async () => {
    const five = await watch({ interval: '5s' }, { stopAfter: 10 });
    for (const ms of five.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(4500);
      expect(ms).toBeLessThanOrEqual(5500);
    }
    expect(new Set(five.sleeps).size).toBeGreaterThan(1);
    // With 1m, a look just before the next expected 10-minute event may come earlier; never later.
    const minute = await watch({ interval: '1m' }, { stopAfter: 12 });
    for (const ms of minute.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(66_000);
    }
    expect(minute.sleeps.filter((ms) => ms >= 54_000).length).toBeGreaterThanOrEqual(10);
    for (const bad of ['500ms', '0', 'soon']) {
      const o = await watch({ interval: bad });
      expect(o.error?.exitCode).toBe(64);
      expect(o.requests).toEqual([]);
    }
  });

  it('--until healthy: exit 0 at once when it already holds', async () => {
    const o = await watch({ until: 'healthy' });
    expect(o.code).toBe(0);
    expect(o.requests).toEqual(['/v0/cluster/events/latest?selector=status']);
    expect(o.io.out().trimEnd().split('\n')).toHaveLength(1);
  });

  it('--until unhealthy --timeout 3m: exit 124 with a message', async () => {
    const o = await watch({ until: 'unhealthy', timeout: '3m' });
    expect(o.code).toBeUndefined();
    expect(o.error?.exitCode).toBe(124);
    expect(o.error?.message).toBe('timed out after 3m waiting for --until unhealthy');
  });

  it('--until unhealthy: exit 0 when the compiler goes down; --until change the same', async () => {
    for (const until of ['unhealthy', 'change']) {
      const o = await watch({ until, interval: '30s' }, { scenario: 'compiler-outage', history: 0 });
      expect(o.code).toBe(0);
      expect(o.io.out().trimEnd().split('\n').at(-1)).toMatch(
        /compiler=Unhealthy .*changed: compiler Healthy → Unhealthy$/,
      );
    }
  });

  it('--until with anything else is a usage error', async () => {
    const o = await watch({ until: 'sunny' });
    expect(o.error?.exitCode).toBe(64);
  });

  it('--stale-after: one warning on stderr once the latest healthy event is older', async () => {
    const o = await watch({ staleAfter: '20m', interval: '1m' }, { scenario: 'stalled', history: 0, stopAfter: 40 });
    const warnings = o.io
      .err()
      .split('\n')
      .filter((l) => l.includes('stale'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/more than --stale-after 20m/);
    const never = await watch({ staleAfter: '2h', interval: '1m' }, { scenario: 'stalled', history: 0, stopAfter: 40 });
    expect(never.io.err()).not.toContain('stale');
  });

  it('--since replays history, then goes on live without a duplicate', async () => {
    const o = await watch(
      { since: '1h', json: true, interval: '1m' },
      { scenario: 'flapping', history: 3 * 3_600_000, stopAfter: 30 },
    );
    const ids = o.io
      .out()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    const log = o.sim.model.log.map((l) => l.event.id);
    expect(ids).toEqual(log.slice(log.indexOf(ids[0]!)));
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
    expect(o.io.err()).toMatch(/\d+ earlier events replayed; watching live/);
    const bad = await watch({ since: 'last tuesday' });
    expect(bad.error?.exitCode).toBe(64);
  });

  it('--details: the reports of the service that turned unhealthy, under its line; selector=all only then', async () => {
    const o = await watch(
      { details: true, interval: '1m' },
      { scenario: 'compiler-outage', history: 0, stopAfter: 40 },
    );
    const out = o.io.out();
    expect(out).toMatch(
      /changed: compiler Healthy → Unhealthy\n {2}compiler · ✗ Unhealthy\n {4}self check +Unreachable: /,
    );
    expect(o.requests.filter((r) => r.includes('selector=all'))).toHaveLength(1);
    const without = await watch({ interval: '1m' }, { scenario: 'compiler-outage', history: 0, stopAfter: 40 });
    expect(without.requests.filter((r) => r.includes('selector=all'))).toHaveLength(0);
    expect(without.io.out()).not.toContain('self check');
  });

  it('--details --json: the selector=all object for that event', async () => {
    const o = await watch(
      { details: true, json: true, interval: '1m' },
      { scenario: 'compiler-outage', history: 0, stopAfter: 40 },
    );
    const objs = o.io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const full = objs.filter((x) => 'compiler_self_info' in x);
    expect(full).toHaveLength(1);
    expect(full[0]!.compiler_status).toBe('Unhealthy');
  });

  it('--details sanitises server text (escape sequences never reach the terminal)', async () => {
    const o = await watch(
      { details: true },
      { scenario: 'long-info', history: 0, stopAfter: 3, io: { stdoutIsTTY: true, color: false } },
    );
    expect(o.io.out()).toContain('stream reset');
    expect(o.io.out()).not.toContain('\u001b');
  });

  it('--utc at a terminal', async () => {
    const o = await watch({ utc: true }, { stopAfter: 1, io: { stdoutIsTTY: true } });
    expect(o.io.out()).toMatch(/^\d\d:\d\d:\d\dZ {2}✓ healthy/);
  });

  it('401 without a token command: exit 1 with a hint', async () => {
    const o = await watch({}, { apiKey: 'apikey:right', env: { FELDERA_API_KEY: 'apikey:wrong' } });
    expect(o.error?.exitCode).toBe(1);
    expect(o.error?.hint).toBeTruthy();
    expect(o.io.out()).toBe('');
  });

  it('no events yet: says so once on stderr and keeps polling', async () => {
    const o = await watch({ interval: '1s' }, { scenario: 'startup', history: 0, stopAfter: 5 });
    expect(o.io.err().match(/no events recorded yet/g)).toHaveLength(1);
    expect(o.io.out().length).toBeGreaterThan(0);
  });

  it('a server without the events API: exit 1', async () => {
    const simClock = manualClock(T0);
    const sim = await startSimulator({ clock: simClock, omitRoutes: ['cluster_events'] });
    sims.push(sim);
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    await expect(
      runOrThrow(newCmdWatch, ['--host', sim.url], { io, clock: virtualClock(simClock) }),
    ).rejects.toMatchObject({ exitCode: 1, kind: 'no-api' });
  });

  it('a custom scenario with an outage between polls: nothing lost', async () => {
    const scenario = parseScenario({
      name: 'blip',
      services: {
        api: [
          { at: '95s', kind: 'unreachable' },
          { at: '105s', kind: 'healthy' },
        ],
      },
    });
    const o = await watch({ interval: '5m', json: true }, { scenario, history: 0, stopAfter: 2 });
    const ids = o.io
      .out()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(o.sim.model.log.map((l) => l.event.id));
    expect(ids.length).toBeGreaterThanOrEqual(4);
  });
});

void MIN;
