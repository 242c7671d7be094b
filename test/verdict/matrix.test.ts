/**
 * The verdict matrix: for each simulator scenario (and an unreachable host, a fresh instance, and
 * fake Feldera v0.150 and v0.300 servers), every view is run at the same moment — status piped, at a
 * terminal and as JSON, the fleet (rows and JSON), nagios, the exporter's metrics, event get latest,
 * a watch line, a watch --json notice and a hook's environment — and each must state the same
 * verdict, with the exit code the README's table gives it. Two cases have a server whose Date
 * header lies by 3 hours (the local clock is moved instead): no view may call either fresh. A new
 * view of the verdict joins here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { eventVerdict, VERDICT_EXIT, VERDICTS, type Verdict } from '../../src/domain/verdict.js';
import { VERDICT_MARK } from '../../src/render/verdict.js';
import type { ManualClock } from '../../src/simulator/index.js';
import { type Clock, systemClock } from '../../src/util/clock.js';
import { tempConfigDir } from '../helpers/cli.js';
import { argvOf, invoke } from '../helpers/command.js';
import { startExporter, value } from '../helpers/exporter.js';
import { EVENT, type FakeServer, fakeServer } from '../helpers/fake-server.js';
import { bufferIO } from '../helpers/io.js';
import { oldFeldera } from '../helpers/old-feldera.js';
import { closedPort, configWith, HOUR, MIN, runCommand, SEC, type Sim, sim } from '../helpers/sim.js';

const NAGIOS: Record<Verdict, string> = {
  healthy: 'OK',
  starting: 'WARNING',
  unhealthy: 'CRITICAL',
  stale: 'CRITICAL',
  unreachable: 'CRITICAL',
};

interface Case {
  name: string;
  url: string;
  want: Verdict;
  /** The simulator's clock, for the watch; undefined for fake servers (their time is the real one). */
  clock?: ManualClock;
  /** Event views do not apply: the server has no event routes, or no event yet (what they say instead). */
  noEvents?: RegExp;
  /** The local clock is this far from the server's (a server whose Date header lies by that much). */
  skewMs?: number;
}

/** The local clock of a case: the simulator's, moved by the case's skew; the system clock for fake servers. */
function localClock(k: Case): Clock | undefined {
  const c = k.clock;
  if (!c) return undefined;
  return { now: () => Math.floor(c.now()) + (k.skewMs ?? 0), sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}

/** The latest event as the server sends it (status fields). */
function latestOf(s: Sim) {
  const e = s.model.latest()!;
  const st = { api_status: e.api_status, compiler_status: e.compiler_status, runner_status: e.runner_status };
  const all = st.api_status === 'Healthy' && st.compiler_status === 'Healthy' && st.runner_status === 'Healthy';
  return { id: e.id, recorded_at: e.recorded_at, all_healthy: all, ...st };
}

/** A clock for one watch poll: now from the server's clock; the first wait stops the watch. */
function onePoll(c: ManualClock | undefined, stop: AbortController, skewMs = 0): Clock {
  return {
    now: () => (c ? Math.floor(c.now()) + skewMs : Date.now()),
    sleep: (_ms, signal) => {
      stop.abort('SIGINT');
      return new Promise((_r, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
}

/** One poll of `event watch`, piped and as JSON, with a hook that writes down CLUSTER_VERDICT. */
async function watchOnce(k: Case, json: boolean) {
  const dir = tempConfigDir();
  const file = join(dir, 'verdict');
  const stop = new AbortController();
  const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: dir } });
  const argv = argvOf({
    host: k.url,
    retries: '0',
    ...(json && { json }),
    exec: `printf %s "$CLUSTER_VERDICT" > '${file}'`,
  });
  const r = await invoke(newCmdWatch, argv, { io, clock: onePoll(k.clock, stop, k.skewMs), signal: stop.signal });
  let hook: string | undefined;
  try {
    hook = readFileSync(file, 'utf8');
  } catch {
    hook = undefined;
  }
  return { code: r.code, out: io.out(), err: io.err(), hook };
}

/** Every view's verdict for one case. */
async function views(k: Case) {
  const configDir = configWith({ it: k.url });
  const clock = localClock(k);
  const seen: Record<string, string | undefined> = {};
  const codes: Record<string, number> = {};

  const piped = await runCommand(newCmdStatus, {}, { host: k.url, configDir: tempConfigDir(), clock });
  codes.status = piped.code;
  seen['status (piped)'] = /^verdict: (\w+)$/m.exec(piped.out)?.[1] ?? (piped.code === 1 ? 'unreachable' : undefined);

  const table = await runCommand(
    newCmdStatus,
    {},
    { host: k.url, tty: true, columns: 200, configDir: tempConfigDir(), clock },
  );
  const head = /^(\S) (\w+)/.exec(table.out);
  if (head) expect(head[1], `${k.name}: the mark of ${head[2]}`).toBe(VERDICT_MARK[head[2] as Verdict]);
  seen['status (table)'] = head?.[2] ?? (table.code === 1 ? 'unreachable' : undefined);

  const json = await runCommand(newCmdStatus, { json: true }, { host: k.url, configDir: tempConfigDir(), clock });
  codes['status --json'] = json.code;

  const fleet = await runCommand(newCmdStatus, { allProfiles: true }, { configDir, clock });
  codes.fleet = fleet.code;
  seen['fleet (piped)'] = fleet.out.split('\t')[2];
  const fleetJson = await runCommand(newCmdStatus, { allProfiles: true, json: true }, { configDir, clock });
  const row = JSON.parse(fleetJson.out).it;
  seen['fleet --json'] = row.verdict;
  // A server clock that was not believed is said in the row, and on stderr once.
  if (k.skewMs !== undefined) {
    expect(row.clock, `${k.name}: the fleet row says the clock`).toMatch(/its Date header\) is 3h (behind|ahead of)/);
    expect(fleetJson.err.split('Date header').length, `${k.name}: said once`).toBe(2);
  } else expect(row.clock).toBeNull();

  const nagios = await runCommand(
    newCmdStatus,
    { format: 'nagios' },
    { host: k.url, configDir: tempConfigDir(), clock },
  );
  const line = /^FELDERA CLUSTER (\w+) - (\w+):/.exec(nagios.out);
  expect(line?.[1], `${k.name}: the nagios state`).toBe(NAGIOS[k.want]);
  seen.nagios = line?.[2];

  const exporter = await startExporter({ allProfiles: true }, { configDir, clock });
  try {
    const { text } = await exporter.scrape();
    const on = VERDICTS.filter((v) => value(text, 'feldera_cluster_verdict', { profile: 'it', verdict: v }) === 1);
    expect(on, `${k.name}: one verdict is 1 in the exporter`).toHaveLength(1);
    seen.exporter = on[0];
  } finally {
    await exporter.stop();
  }

  if (!k.noEvents) {
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    const get = await invoke(newCmdGet, ['latest', ...argvOf({ host: k.url, retries: '0', exitStatus: true })], {
      io,
      ...(clock && { clock }),
    });
    codes['event get --exit-status'] = get.code;
    seen['event get'] = /^verdict: (\w+)$/m.exec(io.out())?.[1] ?? (get.code === 1 ? 'unreachable' : undefined);

    const w = await watchOnce(k, false);
    if (k.want === 'unreachable') {
      expect(w.err, `${k.name}: the watch says the outage`).toMatch(/^outage: cannot reach/m);
    } else {
      seen['watch line'] = w.out.split('\n')[0]!.split(/\s+/)[1];
      seen['hook CLUSTER_VERDICT'] = w.hook;
    }
    const wj = await watchOnce(k, true);
    const notices = wj.out
      .split('\n')
      .filter((l) => l.startsWith('{"notice"'))
      .map((l) => JSON.parse(l) as { verdict?: string });
    if (k.want === 'stale' || k.want === 'unreachable') seen['watch --json notice'] = notices[0]?.verdict;
    else expect(notices, `${k.name}: no notice in a watch of a ${k.want} cluster`).toEqual([]);
  } else {
    const get = await invoke(newCmdGet, ['latest', ...argvOf({ host: k.url, retries: '0', exitStatus: true })], {
      io: bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } }),
    });
    expect(get.code).toBe(1);
    expect(get.error?.message ?? '').toMatch(k.noEvents);
  }
  return { seen, codes };
}

describe('one verdict in every view', () => {
  const sims: Sim[] = [];
  const fakes: FakeServer[] = [];
  const cases: Case[] = [];

  beforeAll(async () => {
    const add = async (name: string, o: Parameters<typeof sim>[0], want: Verdict | ((s: Sim) => Verdict)) => {
      const s = await sim(o);
      sims.push(s);
      return {
        s,
        push: () => cases.push({ name, url: s.url, clock: s.clock, want: typeof want === 'function' ? want(s) : want }),
      };
    };
    (await add('healthy', { scenario: 'healthy', history: 2 * HOUR }, 'healthy')).push();
    (await add('startup', { scenario: 'startup', history: 30 * SEC }, 'starting')).push();
    (await add('compiler-outage', { scenario: 'compiler-outage', history: 10 * MIN }, 'unhealthy')).push();
    const flapping = await add('flapping', { scenario: 'flapping', history: HOUR }, 'unhealthy');
    // a moment when the runner is down
    while (flapping.s.model.latest()!.runner_status === 'Healthy') flapping.s.clock.advance(10 * SEC);
    flapping.push();
    (await add('slow-checks', { scenario: 'slow-checks', history: 6 * HOUR }, 'healthy')).push();
    (await add('stalled', { scenario: 'stalled', history: 2 * HOUR }, 'stale')).push();
    // The compiler and the runner fail from the start: they never passed a check, so they stay InitialUnhealthy.
    (await add('long-info', { scenario: 'long-info', history: 5 * MIN }, 'starting')).push();
    (await add('retention', { scenario: 'retention' }, (s) => eventVerdict(latestOf(s)))).push();
    const fresh = await add('no event yet', { scenario: 'healthy' }, 'starting');
    cases.push({
      name: 'no event yet',
      url: fresh.s.url,
      clock: fresh.s.clock,
      want: 'starting',
      noEvents: /no cluster monitor events recorded yet|not yet any/,
    });
    cases.push({ name: 'unreachable', url: `http://127.0.0.1:${await closedPort()}`, want: 'unreachable' });

    const legacy = await oldFeldera({ compiler: false });
    fakes.push(legacy);
    cases.push({
      name: 'Feldera v0.150, compiler down',
      url: legacy.url,
      want: 'unhealthy',
      noEvents: /predates cluster monitor events/,
    });

    // Feldera v0.300: unchanged_since is the latest event's time; the compiler is down.
    const at = new Date(Date.now() - 2 * MIN).toISOString();
    const before = new Date(Date.now() - 12 * MIN).toISOString();
    const svc = (healthy: boolean) => ({
      healthy,
      message: healthy ? 'Healthy' : 'Unreachable: down',
      unchanged_since: at,
      checked_at: at,
    });
    const latest = {
      ...EVENT,
      id: '019afdde-5dc0-7000-8000-000000000002',
      recorded_at: at,
      all_healthy: false,
      compiler_status: 'Unhealthy',
    };
    const earlier = { ...EVENT, id: '019afdde-5dc0-7000-8000-000000000001', recorded_at: before, all_healthy: true };
    const v300 = await fakeServer((req) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/v0/config')
        return { status: 200, json: { edition: 'Open source', version: '0.300.0', revision: 'r' } };
      if (path === '/v0/cluster_healthz')
        return { status: 503, json: { all_healthy: false, api: svc(true), compiler: svc(false), runner: svc(true) } };
      if (path === '/v0/cluster/events/latest') return { status: 200, json: latest };
      if (path === '/v0/cluster/events') return { status: 200, json: [latest, earlier] };
      return { status: 404 };
    });
    fakes.push(v300);
    cases.push({ name: 'Feldera v0.300, compiler down', url: v300.url, want: 'unhealthy' });

    // Lying clocks. The recorder stopped 3 hours ago, and the server's Date echoes its last check:
    // by the server that check is minutes old; the local clock says 3 hours. Not believed: stale.
    const lying = await add(
      'Date lies: a 3-hour-old check "just now"',
      { scenario: 'stalled', history: 5 * MIN },
      'stale',
    );
    cases.push({
      name: 'Date lies: a 3-hour-old check "just now"',
      url: lying.s.url,
      clock: lying.s.clock,
      want: 'stale',
      skewMs: 3 * HOUR,
    });
    // The server's clock is 3 hours ahead of the local one: by the local clock, its fresh check is
    // dated in the future, and an age that cannot be judged is never fresh.
    const ahead = await add(
      'Date 3 hours ahead: a check dated in the future',
      { scenario: 'healthy', history: 2 * HOUR },
      'stale',
    );
    cases.push({
      name: 'Date 3 hours ahead: a check dated in the future',
      url: ahead.s.url,
      clock: ahead.s.clock,
      want: 'stale',
      skewMs: -3 * HOUR,
    });
  }, 60_000);
  afterAll(() => Promise.all([...sims.map((s) => s.close()), ...fakes.map((f) => f.close())]));

  it('every view of every case states the same verdict, with its documented exit code', {
    timeout: 120_000,
  }, async () => {
    expect(cases.map((k) => k.name)).toHaveLength(14);
    const covered = new Set<Verdict>();
    for (const k of cases) {
      const { seen, codes } = await views(k);
      covered.add(k.want);
      for (const [view, verdict] of Object.entries(seen)) expect(verdict, `${k.name}: ${view}`).toBe(k.want);
      for (const [view, code] of Object.entries(codes))
        expect(code, `${k.name}: exit of ${view}`).toBe(VERDICT_EXIT[k.want]);
    }
    expect([...covered].sort()).toEqual([...VERDICTS].sort());
  });
});
