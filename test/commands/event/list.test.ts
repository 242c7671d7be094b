import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEventStatus } from '../../../src/api/types.js';
import { newCmdList as run } from '../../../src/commands/event/list.js';
import { EXIT } from '../../../src/errors.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { closedPort, getJson, HOUR, MIN, rows, runCommand, type Sim, sim } from '../../helpers/sim.js';

const ROW =
  /^[0-9a-f-]{36}\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z\t(healthy|unhealthy|stale)\t(Healthy|Unhealthy|InitialUnhealthy)\t(Healthy|Unhealthy|InitialUnhealthy)\t(Healthy|Unhealthy|InitialUnhealthy)$/;

async function serverList(s: Sim): Promise<ClusterEventStatus[]> {
  return (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
}

describe('event list against the simulator (72 h of compiler-outage history)', () => {
  let s: Sim;
  let all: ClusterEventStatus[];
  beforeAll(async () => {
    s = await sim({ scenario: 'compiler-outage', history: 72 * HOUR });
    all = await serverList(s);
  });
  afterAll(() => s.close());

  it('piped: one plain tab-separated row per retained event, newest first, full ids, no colour', async () => {
    const r = await runCommand(run, {}, { host: s.url });
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(all.length);
    expect(all.length).toBeGreaterThan(400);
    for (const l of lines) expect(l).toMatch(ROW);
    expect(rows(r.out).map((c) => c[0])).toEqual(all.map((e) => e.id));
    expect(r.out).not.toMatch(/\u001b/);
    expect(r.err).toBe('');
  });

  it('--json: the server array, values untouched', async () => {
    const r = await runCommand(run, { json: true }, { host: s.url });
    expect(JSON.parse(r.out)).toEqual(all);
    expect(r.out.trimEnd().split('\n')).toHaveLength(1); // compact when piped
  });

  it('--unhealthy and --service: only the outage events', async () => {
    const r = await runCommand(run, { unhealthy: true, json: true }, { host: s.url });
    const got = JSON.parse(r.out) as ClusterEventStatus[];
    expect(got.length).toBeGreaterThan(3);
    expect(got).toEqual(all.filter((e) => !e.all_healthy));
    expect(got.every((e) => e.compiler_status === 'Unhealthy')).toBe(true);
    const bySvc = await runCommand(run, { service: 'compiler' }, { host: s.url });
    expect(rows(bySvc.out).map((c) => c[0])).toEqual(got.map((e) => e.id));
    const none = await runCommand(run, { service: 'runner' }, { host: s.url });
    expect(none).toMatchObject({ code: 0, out: '' });
    expect(none.err.trimEnd().split('\n')).toHaveLength(1);
    expect(none.err).toMatch(/^no events match \(\d+ retained/);
  });

  it('--since / --until by duration and RFC 3339, --limit, --reverse', async () => {
    const now = s.clock.now();
    const within = (e: ClusterEventStatus, a: number, b: number) =>
      Date.parse(e.recorded_at) >= a && Date.parse(e.recorded_at) <= b;
    const r = await runCommand(run, { since: '2h', json: true }, { host: s.url });
    const since2h = JSON.parse(r.out) as ClusterEventStatus[];
    const nowS = Math.floor(now / 1000) * 1000; // the Date header has whole seconds
    expect(since2h).toEqual(all.filter((e) => within(e, nowS - 2 * HOUR, Infinity)));
    expect(since2h.length).toBeGreaterThanOrEqual(11);
    const iso = new Date(now - 3 * HOUR).toISOString();
    const until = await runCommand(run, { since: '6h', until: iso, json: true }, { host: s.url });
    expect(JSON.parse(until.out)).toEqual(all.filter((e) => within(e, nowS - 6 * HOUR, Date.parse(iso))));
    const lim = await runCommand(run, { limit: '3' }, { host: s.url });
    expect(rows(lim.out).map((c) => c[0])).toEqual(all.slice(0, 3).map((e) => e.id));
    const rev = await runCommand(run, { limit: '3', reverse: true }, { host: s.url });
    expect(rows(rev.out).map((c) => c[0])).toEqual(
      all
        .slice(0, 3)
        .reverse()
        .map((e) => e.id),
    );
    const oldest = await runCommand(run, { reverse: true }, { host: s.url });
    expect(rows(oldest.out)[0]![0]).toBe(all.at(-1)!.id);
  });

  it('terminal: a table with short ids (full with --wide), local time + age, --utc', async () => {
    const r = await runCommand(run, { limit: '2' }, { host: s.url, tty: true });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +RECORDED +VERDICT +API +COMPILER +RUNNER$/);
    expect(lines).toHaveLength(3);
    const short = lines[1]!.split(/\s+/)[0]!;
    expect(short.length).toBeGreaterThanOrEqual(8);
    expect(short.length).toBeLessThan(36);
    expect(all[0]!.id.startsWith(short)).toBe(true);
    expect(lines[1]).toMatch(
      /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(just now|\d+[sm]( \d+s)? ago) +healthy +✓ Healthy +✓ Healthy +✓ Healthy$/,
    );
    const wide = await runCommand(run, { limit: '1', wide: true, utc: true }, { host: s.url, tty: true });
    expect(wide.out).toContain(all[0]!.id);
    expect(wide.out).toMatch(/RECORDED \(UTC\)/);
    expect(wide.out).toMatch(/\d\d:\d\d:\d\dZ/);
  });

  it('an 80-column terminal: the table is drawn with less (no year, then no ages) until it fits', async () => {
    const r = await runCommand(
      run,
      { unhealthy: true, limit: '3' },
      { host: s.url, tty: true, color: true, columns: 80 },
    );
    const plain = r.out
      .replace(/\u001b\[[0-9;]*m/g, '')
      .trimEnd()
      .split('\n');
    expect(plain).toHaveLength(4);
    for (const l of plain) expect([...l].length).toBeLessThanOrEqual(80);
    expect(plain[1]).toMatch(/^\S+ {2}\d\d-\d\d \d\d:\d\d:\d\d +.*unhealthy +✓ Healthy +✗ Unhealthy +✓ Healthy$/);
    const wide = await runCommand(run, { unhealthy: true, limit: '3' }, { host: s.url, tty: true, columns: 120 });
    expect(wide.out).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+[smhd]\b/);
  });

  it('terminal with colour: statuses and verdicts coloured', async () => {
    const r = await runCommand(run, { unhealthy: true, limit: '1' }, { host: s.url, tty: true, color: true });
    expect(r.out).toContain('\u001b[31m✗ Unhealthy\u001b[39m');
    expect(r.out).toContain('\u001b[32m✓ Healthy\u001b[39m');
  });

  it('--incidents and --timeline delegate', async () => {
    const inc = await runCommand(run, { incidents: true, json: true }, { host: s.url });
    expect(JSON.parse(inc.out)).toEqual([
      expect.objectContaining({ service: 'compiler', worst_status: 'Unhealthy', ongoing: false }),
    ]);
    const tl = await runCommand(run, { timeline: true, json: true, staleAfter: '12m' }, { host: s.url });
    expect(JSON.parse(tl.out).services).toHaveLength(3);
  });
});

describe('event list: usage errors (exit 64, before any request)', () => {
  let dead: string;
  beforeAll(async () => {
    dead = `http://127.0.0.1:${await closedPort()}`;
  });

  it.each([
    [
      { since: 'yesterday' },
      /^invalid --since "yesterday": expected a duration such as 30m, 2h, 3d or an RFC 3339 time/,
    ],
    [{ until: '12/08/2025' }, /^invalid --until "12\/08\/2025": expected a duration/],
    [{ since: '1h', until: '2h' }, /--since .* is after --until/],
    // two durations: said in the user's words, never as dates from a made-up "now"
    [{ since: '2h', until: '4h' }, /^--since 2h ago is after --until 4h ago$/],
    [{ limit: '0' }, /^invalid --limit "0": expected a whole number of at least 1$/],
    [{ limit: 'many' }, /^invalid --limit "many"/],
    [{ service: 'db' }, /^invalid --service "db"/],
    [{ staleAfter: 'soon' }, /^invalid --stale-after "soon"/],
    [{ incidents: true, timeline: true }, /either --incidents or --timeline/],
    [{ incidents: true, limit: '3' }, /^--limit does not apply with --incidents/],
    [{ timeline: true, until: '1h' }, /^--until does not apply with --timeline/],
  ])('%j', async (opts, message) => {
    const r = await runCommand(run, opts, { host: dead });
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.error?.message).toMatch(message);
    expect(r.out).toBe('');
  });

  it('unreachable: exit 1', async () => {
    const r = await runCommand(run, {}, { host: dead });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.error?.message).toMatch(/cannot reach .*connection refused/);
  });
});

describe('event list: other histories', () => {
  it('no events at all: says so on stderr, exit 0 (and [] with --json)', async () => {
    const s = await sim({ scenario: 'healthy', history: 0 });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      expect(r).toMatchObject({ code: 0, out: '' });
      expect(r.err).toMatch(/^no cluster monitor events recorded yet/);
      const j = await runCommand(run, { json: true }, { host: s.url });
      expect(JSON.parse(j.out)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('retention: exactly the 1000 retained events, newest first', async () => {
    const s = await sim({ scenario: 'retention' });
    try {
      const r = await runCommand(run, {}, { host: s.url });
      const ids = rows(r.out).map((c) => c[0]);
      expect(ids).toHaveLength(1000);
      expect(ids).toEqual(s.model.events().map((e) => e.id));
      const lim = await runCommand(run, { limit: '1000000', reverse: true }, { host: s.url });
      expect(rows(lim.out)[0]![0]).toBe(s.model.events().at(-1)!.id);
    } finally {
      await s.close();
    }
  });

  it('flapping: --service runner lists only runner failures; ids stay unique when shortened', async () => {
    const s = await sim({ scenario: 'flapping', history: 6 * HOUR });
    try {
      const r = await runCommand(run, { service: 'runner' }, { host: s.url });
      const rs = rows(r.out);
      expect(rs.length).toBeGreaterThan(50);
      expect(rs.every((c) => c[5] === 'Unhealthy' && c[2] === 'unhealthy')).toBe(true);
      const t = await runCommand(run, {}, { host: s.url, tty: true });
      const shorts = t.out
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(' ')[0]);
      expect(new Set(shorts).size).toBe(shorts.length);
    } finally {
      await s.close();
    }
  });

  it('stalled: the newest event reads "stale" and a warning goes to stderr', async () => {
    const s = await sim({ scenario: 'stalled', history: 2 * HOUR });
    try {
      // a config dir of its own: no period stored by another test for a host on the same port
      const r = await runCommand(run, {}, { host: s.url, configDir: tempConfigDir() });
      expect(rows(r.out)[0]![2]).toBe('stale');
      expect(
        rows(r.out)
          .slice(1)
          .every((c) => c[2] === 'healthy'),
      ).toBe(true);
      // two events 10 s apart (the first round after start-up is recorded twice): no period to learn
      expect(r.err).toMatch(
        /^warning: the newest event is 1h 5\dm old \(more than 45m, the default: the retained history has too few healthy periods to learn this instance's \(0 of 3\)\)/,
      );
      const fresh = await runCommand(run, { staleAfter: '3h' }, { host: s.url });
      expect(fresh.err).toBe('');
      s.clock.advance(MIN); // still stale a minute later
      expect((await runCommand(run, { limit: '1' }, { host: s.url })).out).toMatch(/\tstale\t/);
    } finally {
      await s.close();
    }
  });
});
