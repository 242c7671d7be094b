/**
 * `cluster check` (and `status --format nagios`, the same check with its defaults) held to the
 * Monitoring Plugins contract, against the simulator and misbehaving servers: for every state the
 * first line's format, the exit code, and the performance data read by a strict parser of the
 * guidelines' format; the long output; thresholds; the deadline, on an injected clock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdCheck } from '../../src/commands/check.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { parseRange } from '../../src/domain/nagios.js';
import type { Clock } from '../../src/util/clock.js';
import { argvOf, invoke } from '../helpers/command.js';
import { fakeServer } from '../helpers/fake-server.js';
import { bufferIO } from '../helpers/io.js';
import { closedPort, configWith, HOUR, MIN, runCommand, SEC, type Sim, sim, T0 } from '../helpers/sim.js';
import { until } from '../helpers/wait.js';

/** One perfdata item of the guidelines: 'label'=value[UOM];[warn];[crit];[min];[max]. */
interface Perf {
  label: string;
  value: number | 'U';
  uom: string;
  warn: string;
  crit: string;
  min: string;
  max: string;
}

const RANGE = /^(@?(~|-?\d+(\.\d+)?)?(:(-?\d+(\.\d+)?)?)?)?$/;
const NUMBER = /^(-?\d+(\.\d+)?)?$/;

/** A strict reading of the perfdata after `|`: every item must fit the format, or the test fails. */
function parsePerfdata(text: string): Perf[] {
  const items = text.match(/('(?:[^']|'')+'|[^\s=']+)=\S+/g) ?? [];
  expect(items.join(' ')).toBe(text.trim()); // nothing left over
  return items.map((item) => {
    const m =
      /^('(?:[^']|'')+'|[^\s=']+)=(-?\d+(?:\.\d+)?|U)(s|ms|us|%|B|KB|MB|TB|c)?(?:;([^;]*))?(?:;([^;]*))?(?:;([^;]*))?(?:;([^;]*))?$/.exec(
        item,
      );
    expect(m, `perfdata item ${item}`).not.toBeNull();
    const [, label, value, uom = '', warn = '', crit = '', min = '', max = ''] = m!;
    expect(warn, `warn of ${item}`).toMatch(RANGE);
    expect(crit, `crit of ${item}`).toMatch(RANGE);
    expect(min, `min of ${item}`).toMatch(NUMBER);
    expect(max, `max of ${item}`).toMatch(NUMBER);
    return {
      label: label!.replace(/^'|'$/g, '').replace(/''/g, "'"),
      value: value === 'U' ? 'U' : Number(value),
      uom,
      warn,
      crit,
      min,
      max,
    };
  });
}

/** A plugin answer: the state, the text, the perfdata, the long output — and the contract each line keeps. */
function plugin(out: string) {
  expect(out.endsWith('\n')).toBe(true);
  const [first, ...rest] = out.slice(0, -1).split('\n');
  const m = /^FELDERA CLUSTER (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?: \| (.+))?$/.exec(first!);
  expect(m, `first line: ${first}`).not.toBeNull();
  for (const l of rest) expect(l).not.toContain('|');
  return { state: m![1], text: m![2]!, perf: m![3] ? parsePerfdata(m![3]) : [], long: rest };
}

async function check(host: string | undefined, flags: Record<string, unknown> = {}, configDir?: string) {
  const r = await runCommand(newCmdCheck, { utc: true, ...flags }, { host, ...(configDir && { configDir }) });
  expect(r.err).toBe('');
  return { ...r, ...plugin(r.out) };
}

const perf = (p: Perf[], label: string) => p.find((x) => x.label === label);

/** A server answering every request with `status` and `body`. */
async function answering(status: number, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('cluster check: the plugin contract, state by state', () => {
  const sims: Sim[] = [];
  let healthy: Sim;
  let outage: Sim;
  let starting: Sim;
  let stalled: Sim;
  let empty: Sim;
  let older: Sim;
  beforeAll(async () => {
    [healthy, outage, starting, stalled, empty, older] = await Promise.all([
      sim({ scenario: 'healthy', history: 2 * HOUR }),
      sim({ scenario: 'compiler-outage', history: 10 * MIN }),
      sim({ scenario: 'startup', history: 30 * SEC }),
      sim({ scenario: 'stalled', history: 2 * HOUR }),
      sim({ scenario: 'healthy' }),
      sim({ scenario: 'compiler-outage', history: 10 * MIN, omitRoutes: ['cluster_healthz'] }),
    ]);
    sims.push(healthy, outage, starting, stalled, empty, older);
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  it('OK: healthy, exit 0; perfdata: the age against the stale limit (its critical slot), each service', async () => {
    const r = await check(healthy.url);
    expect(r.code).toBe(0);
    expect(r.state).toBe('OK');
    expect(r.text).toMatch(/^healthy: all services healthy, checked (just now|\d+m( \d+s)? ago)$/);
    expect(perf(r.perf, 'age')).toMatchObject({ uom: 's', warn: '', crit: '2700', min: '0' });
    for (const s of ['api', 'compiler', 'runner']) {
      expect(perf(r.perf, `${s}_healthy`)).toMatchObject({ value: 1, min: '0', max: '1' });
      expect(perf(r.perf, `${s}_unhealthy_for`)).toMatchObject({ value: 0, uom: 's' });
    }
    // The long output: a line per service with since when and its message, then when it was checked.
    expect(r.long).toHaveLength(4);
    expect(r.long[0]).toMatch(/^api: Healthy since \d\d:\d\dZ \(1h 5\dm ago\): Healthy: The api service responded/);
    expect(r.long[3]).toMatch(/^checked at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(.*\), stale after 45m$/);
  });

  it("CRITICAL: unhealthy, since when (the server's unchanged_since), how long in the perfdata, exit 2", async () => {
    const since = new Date(Date.parse(outage.model.health()!.compiler.unchanged_since)).toISOString().slice(11, 16);
    expect(since).toBe(new Date(T0 - 5 * MIN).toISOString().slice(11, 16)); // the compiler went down 5 minutes ago
    const r = await check(outage.url);
    expect(r.code).toBe(2);
    expect(r.text).toBe(`unhealthy: compiler Unhealthy since ${since}Z`);
    expect(perf(r.perf, 'compiler_healthy')?.value).toBe(0);
    expect(perf(r.perf, 'compiler_unhealthy_for')?.value).toBeGreaterThanOrEqual(300);
    expect(r.long[1]).toMatch(/^compiler: Unhealthy since \d\d:\d\dZ \(4m 59s ago\): Unreachable: Unable to connect/);
    // A server without /v0/cluster_healthz answers with an error: CRITICAL, saying which route is missing.
    const o = await check(older.url);
    expect(o.state).toBe('CRITICAL');
    expect(o.text).toMatch(/^unreachable: \S+ has no \/v0\/cluster_healthz \(\/v0\/cluster_healthz answered 404\)$/);
    expect(o.perf).toEqual([]);
  });

  it('WARNING: starting (a service that has not passed a check yet, or no event yet), exit 1; --starting-state', async () => {
    const r = await check(starting.url);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/^starting: (\w+ InitialUnhealthy since \d\d:\d\dZ(, )?)+$/);
    const none = await check(empty.url);
    expect(none.code).toBe(1);
    expect(none.text).toMatch(/^starting: no cluster monitor events recorded yet/);
    expect((await check(starting.url, { startingState: 'critical' })).code).toBe(2);
    expect((await check(starting.url, { startingState: 'ok' })).state).toBe('OK');
  });

  it('stale is CRITICAL by default (a dead recorder is a failure); --stale-state warning / unknown, and the limit moves slot', async () => {
    const r = await check(stalled.url);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(
      /^stale: no check for 1h 5\dm( \d+s)? \(limit 45m\): the monitor has stopped recording, health unknown$/,
    );
    expect(perf(r.perf, 'age')).toMatchObject({ warn: '', crit: '2700' });
    const w = await check(stalled.url, { staleState: 'warning' });
    expect([w.code, w.state]).toEqual([1, 'WARNING']);
    expect(perf(w.perf, 'age')).toMatchObject({ warn: '2700', crit: '' });
    const u = await check(stalled.url, { staleState: 'unknown' });
    expect([u.code, u.state]).toEqual([3, 'UNKNOWN']);
    expect(perf(u.perf, 'age')).toMatchObject({ warn: '', crit: '' });
  });

  it('-w/-c on the age of the latest check: ranges in seconds or durations, shown in the perfdata', async () => {
    // The healthy instance's latest check is a few minutes old.
    const age = (await check(healthy.url)).perf[0]!.value as number;
    const w = await check(healthy.url, { warning: `${Math.max(1, age - 30)}`, critical: '1h' });
    expect(w.state).toBe('WARNING');
    expect(perf(w.perf, 'age')).toMatchObject({ warn: String(Math.max(1, age - 30)), crit: '3600' });
    expect((await check(healthy.url, { critical: 'age=1s' })).state).toBe('CRITICAL');
    expect((await check(healthy.url, { warning: '@0:1h' })).state).toBe('WARNING'); // inside the range
    expect((await check(healthy.url, { warning: '1h:' })).state).toBe('WARNING'); // below the range
    expect((await check(healthy.url, { warning: '~:1h' })).state).toBe('OK');
  });

  it('-w/-c unhealthy_for=…: how long a service has been unhealthy decides; a short outage only warns', async () => {
    // The compiler has been down for 5 minutes.
    const soft = await check(outage.url, { warning: 'unhealthy_for=2m', critical: 'unhealthy_for=10m' });
    expect(soft.state).toBe('WARNING');
    expect(perf(soft.perf, 'compiler_unhealthy_for')).toMatchObject({ warn: '120', crit: '600' });
    expect((await check(outage.url, { warning: 'unhealthy_for=10m', critical: 'unhealthy_for=20m' })).state).toBe('OK');
    expect((await check(outage.url, { warning: 'unhealthy_for=1m', critical: 'unhealthy_for=3m' })).state).toBe(
      'CRITICAL',
    );
  });

  it('CRITICAL when Feldera cannot be reached or answers an error; UNKNOWN for an answer we cannot read or a local problem', async () => {
    const down = await check(`http://127.0.0.1:${await closedPort()}`);
    expect([down.code, down.state]).toEqual([2, 'CRITICAL']);
    expect(down.text).toMatch(/^unreachable: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused$/);
    const failing = await answering(
      500,
      '{"message":"database unreachable | down","error_code":"DbError","details":{}}',
    );
    const garbage = await answering(200, '{"all_healthy": "yes"}');
    try {
      const e = await check(failing.url);
      expect(e.code).toBe(2);
      expect(e.text).toMatch(/database unreachable \/ down/); // no `|` but the one before perfdata
      const g = await check(garbage.url);
      expect([g.code, g.state]).toEqual([3, 'UNKNOWN']);
    } finally {
      await Promise.all([failing.close(), garbage.close()]);
    }
    const unknownProfile = await check(undefined, { profile: 'nope' }, configWith({ prod: healthy.url }));
    expect(unknownProfile.text).toMatch(/nope/);
    expect(unknownProfile.code).toBe(3);
  });

  it('bad flags are usage errors (64), before any request', async () => {
    for (const flags of [
      { timeout: '0' },
      { warning: 'size=3' },
      { critical: '5:1' },
      { staleState: 'ok' },
      { timeout: 'soon' },
    ]) {
      const r = await runCommand(newCmdCheck, flags, { host: healthy.url });
      expect(r.code, JSON.stringify(flags)).toBe(64);
    }
    expect(parseRange('@5m:1h')).toMatchObject({ start: 300, end: 3600, inside: true, text: '@300:3600' });
    expect(parseRange('~:10')).toMatchObject({ text: '~:10' });
  });

  it('status --format nagios is the check with its defaults', async () => {
    const a = await runCommand(newCmdStatus, { format: 'nagios', utc: true }, { host: outage.url });
    const b = await runCommand(newCmdCheck, { utc: true }, { host: outage.url });
    expect(a.code).toBe(b.code);
    expect(a.out).toBe(b.out);
    expect((await runCommand(newCmdStatus, {}, { host: starting.url })).code).toBe(2);
    expect((await runCommand(newCmdStatus, { format: 'text' }, { host: stalled.url })).code).toBe(3);
  });
});

describe('cluster check -t: a deadline for the whole check', () => {
  /** A clock whose time moves only when the test says so; sleeps end when it passes them. */
  function steppedClock(start: number) {
    let now = start;
    const waits: { at: number; resolve: () => void }[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
          const w = { at: now + ms, resolve };
          waits.push(w);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    };
    const advance = (ms: number) => {
      now += ms;
      for (const w of waits.filter((x) => x.at <= now)) {
        waits.splice(waits.indexOf(w), 1);
        w.resolve();
      }
    };
    return { clock, advance, pending: () => waits.length };
  }

  it('a hung server: the answer comes when the deadline passes, UNKNOWN "timed out after 7s" (or --timeout-state)', async () => {
    const hung = await fakeServer(() => ({ hang: true }));
    try {
      for (const [extra, state, code] of [
        [{}, 'UNKNOWN', 3],
        [{ timeoutState: 'critical' }, 'CRITICAL', 2],
      ] as const) {
        const c = steppedClock(Date.now());
        const io = bufferIO();
        const done = invoke(newCmdCheck, argvOf({ host: hung.url, timeout: '7', utc: true, ...extra }), {
          io,
          clock: c.clock,
        });
        let finished = false;
        void done.then(() => {
          finished = true;
        });
        // Not before the deadline, whatever the request timeouts and retries do …
        // (once the check waits on the clock: it may load a module first, which takes real time)
        await until(() => c.pending() > 0, 'the check to wait for its deadline');
        c.advance(6_999);
        await new Promise((r) => setImmediate(r));
        expect(finished).toBe(false);
        // … and at it.
        c.advance(1);
        const r = await done;
        expect(r.code).toBe(code);
        const p = plugin(io.out());
        expect(p.state).toBe(state);
        expect(p.text).toMatch(/^unreachable: timed out after 7s \(no answer from http:\/\/127\.0\.0\.1:\d+\)$/);
      }
    } finally {
      await hung.close();
    }
  });
});
