import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEventStatus, Service } from '../../../src/api/types.js';
import { SERVICES } from '../../../src/api/types.js';
import { newCmdIncidents as run } from '../../../src/commands/event/incidents.js';
import type { IncidentJson } from '../../../src/domain/incidents.js';
import { EXIT } from '../../../src/errors.js';
import { parseScenario } from '../../../src/simulator/index.js';
import { closedPort, getJson, HOUR, MIN, rows, runCommand, type Sim, sim } from '../../helpers/sim.js';

/** Incidents the slow obvious way, from the server's list: runs of non-Healthy per service. */
function expected(events: ClusterEventStatus[], service: Service) {
  const asc = [...events].reverse();
  const out: { started: string; ended: string | null; events: number }[] = [];
  let cur: { started: string; ended: string | null; events: number } | undefined;
  for (const e of asc) {
    if (e[`${service}_status`] === 'Healthy') {
      if (cur) {
        cur.ended = e.recorded_at;
        out.push(cur);
        cur = undefined;
      }
    } else if (cur) cur.events++;
    else cur = { started: e.recorded_at, ended: null, events: 1 };
  }
  if (cur) out.push(cur);
  return out.reverse();
}

describe('event incidents: compiler-outage, 72 h', () => {
  let s: Sim;
  let all: ClusterEventStatus[];
  beforeAll(async () => {
    s = await sim({ scenario: 'compiler-outage', history: 72 * HOUR });
    all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
  });
  afterAll(() => s.close());

  it('--json: one compiler incident of about 20 minutes, ended', async () => {
    const r = await runCommand(run, { json: true }, { host: s.url });
    const got = JSON.parse(r.out) as IncidentJson[];
    const want = expected(all, 'compiler');
    expect(want).toHaveLength(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      service: 'compiler',
      worst_status: 'Unhealthy',
      ongoing: false,
      started_at: want[0]!.started,
      ended_at: want[0]!.ended,
      events: want[0]!.events,
      began_before_window: false,
    });
    expect(got[0]!.duration_seconds).toBeGreaterThan(19 * 60);
    expect(got[0]!.duration_seconds).toBeLessThan(21 * 60);
  });

  it('piped rows and the terminal table', async () => {
    const r = await runCommand(run, {}, { host: s.url });
    expect(rows(r.out)).toEqual([
      [
        'compiler',
        'Unhealthy',
        expected(all, 'compiler')[0]!.started,
        expected(all, 'compiler')[0]!.ended,
        expect.stringMatching(/^(19|20)m \d+s$/),
        expect.stringMatching(/^\d+$/),
      ],
    ]);
    const t = await runCommand(run, { utc: true }, { host: s.url, tty: true });
    expect(t.out).toMatch(/^SERVICE +WORST +STARTED \(UTC\) +ENDED +DURATION +EVENTS\n/);
    expect(t.out).toMatch(/compiler +✗ Unhealthy +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +\d+d( \d+h)? ago +\d{4}-/);
    // at 80 columns the same table fits: no year, no ages
    const narrow = await runCommand(run, { utc: true }, { host: s.url, tty: true, columns: 80 });
    for (const l of narrow.out.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    expect(narrow.out).toMatch(/compiler +✗ Unhealthy +\d\d-\d\d \d\d:\d\d:\d\dZ +\d\d-\d\d \d\d:\d\d:\d\dZ +(19|20)m/);
  });

  it('--service and --since filter; nothing left: one line on stderr, exit 0', async () => {
    const api = await runCommand(run, { service: 'api' }, { host: s.url });
    expect(api).toMatchObject({ code: 0, out: '' });
    expect(api.err).toBe('no incidents of api (439 retained events)\n'.replace('439', String(all.length)));
    const recent = await runCommand(run, { since: '1h', json: true }, { host: s.url });
    expect(JSON.parse(recent.out)).toEqual([]);
    expect(recent.err).toMatch(/^no incidents in that window/);
  });
});

describe('event incidents: other scenarios', () => {
  it('flapping: every runner run, newest first, the last one ongoing and highlighted', async () => {
    const s = await sim({ scenario: 'flapping', history: 3 * HOUR + 2 * MIN + 30_000 });
    try {
      const all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
      const r = await runCommand(run, { json: true }, { host: s.url });
      const got = JSON.parse(r.out) as IncidentJson[];
      const want = expected(all, 'runner');
      expect(got.length).toBe(want.length);
      expect(got.length).toBeGreaterThan(55);
      expect(got.map((x) => [x.started_at, x.ended_at, x.events])).toEqual(
        want.map((x) => [x.started, x.ended, x.events]),
      );
      expect(got.every((x) => x.service === 'runner')).toBe(true);
      expect(got[0]!.ongoing).toBe(true);
      const t = await runCommand(run, { limit: undefined }, { host: s.url, tty: true, color: true });
      expect(t.out.split('\n')[1]).toContain('\u001b[31m\u001b[1mongoing\u001b[22m\u001b[39m');
    } finally {
      await s.close();
    }
  });

  it('retention: incidents only from what is retained; the oldest may have begun earlier', async () => {
    const s = await sim({ scenario: 'retention' });
    try {
      const all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
      expect(all).toHaveLength(1000);
      const got = JSON.parse((await runCommand(run, { json: true }, { host: s.url })).out) as IncidentJson[];
      for (const svc of SERVICES) {
        expect(got.filter((x) => x.service === svc).map((x) => x.started_at)).toEqual(
          expected(all, svc).map((x) => x.started),
        );
      }
      const oldest = all.at(-1)!;
      const first = got.at(-1)!;
      expect(first.began_before_window).toBe(oldest.runner_status !== 'Healthy');
    } finally {
      await s.close();
    }
  });

  it('stalled and healthy histories have no incidents after start-up', async () => {
    const s = await sim({ scenario: 'stalled', history: 5 * HOUR });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r).toMatchObject({ code: 0, out: '' });
      expect(r.err).toMatch(/^no incidents \(\d+ retained events\)\n$/);
    } finally {
      await s.close();
    }
  });

  it('usage errors before any request; unreachable is exit 1', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    expect((await runCommand(run, { since: 'last week' }, { host: dead })).code).toBe(EXIT.USAGE);
    expect((await runCommand(run, { service: 'db' }, { host: dead })).code).toBe(EXIT.USAGE);
    expect((await runCommand(run, {}, { host: dead })).code).toBe(EXIT.FAILURE);
  });
});

describe('event incidents: changes recorded late, at a back-off insert', () => {
  // The compiler is down from 5m to 40m; the runner fails at 12m, while the cluster is already
  // unhealthy, so Feldera stores that only at its next back-off insert.
  const scenario = parseScenario({
    name: 'two-down',
    services: {
      compiler: [
        { at: '5m', kind: 'unreachable' },
        { at: '40m', kind: 'healthy' },
      ],
      runner: [
        { at: '12m', kind: 'unreachable' },
        { at: '30m', kind: 'healthy' },
      ],
    },
  });

  it('--json says how late (the window since the event before); the table marks the time with ~ and explains it', async () => {
    const s = await sim({ scenario, history: 2 * HOUR });
    try {
      const all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
      const got = JSON.parse((await runCommand(run, { json: true }, { host: s.url })).out) as IncidentJson[];
      const runner = got.find((x) => x.service === 'runner')!;
      const compiler = got.find((x) => x.service === 'compiler')!;
      // the compiler's start changed the overall verdict: recorded at once
      expect(compiler.start_precision_seconds).toBeNull();
      // the runner's start: somewhere between the event before it and its own
      const asc = [...all].reverse();
      const startIdx = asc.findIndex((e) => e.id === runner.first_event_id);
      const window = (Date.parse(asc[startIdx]!.recorded_at) - Date.parse(asc[startIdx - 1]!.recorded_at)) / 1000;
      expect(runner.start_precision_seconds).toBe(window);
      expect(window).toBeGreaterThan(10);
      expect(window).toBeLessThanOrEqual(11 * 60);
      // the runner recovered while the compiler was still down: its end was recorded late too
      expect(runner.end_precision_seconds).toBeGreaterThan(10);
      // the compiler's recovery made all healthy again: at once
      expect(compiler.end_precision_seconds).toBeNull();
      const t = await runCommand(run, { utc: true }, { host: s.url, tty: true, columns: 160 });
      expect(t.out).toMatch(/\nrunner +✗ Unhealthy +~ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ.* ~ \d{4}-/);
      expect(t.out).toMatch(
        /\n~ recorded late, up to \d+m( \d+s)? after it happened: a service that changes while the cluster is already unhealthy is stored only at Feldera's next back-off insert/,
      );
    } finally {
      await s.close();
    }
  });
});
