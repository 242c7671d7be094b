/**
 * `event get` against the real simulator (a Feldera-compatible HTTP server on 127.0.0.1) with
 * simulated time under the test's control.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.js';
import { newCmdGet } from '../../../src/commands/event/get.js';
import { type CliError, EXIT } from '../../../src/errors.js';
import { formatTimestamp } from '../../../src/render/time.js';
import {
  type ManualClock,
  manualClock,
  type Simulator,
  selectEvent,
  startSimulator,
} from '../../../src/simulator/index.js';
import type { Clock } from '../../../src/util/clock.js';
import { formatDuration } from '../../../src/util/duration.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, invoke } from '../../helpers/command.js';
import { type BufferIO, bufferIO } from '../../helpers/io.js';

const START = Date.parse('2025-12-08T14:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
const BOX = /[┌┐└┘├┤┬┴┼─│]/;
const configDir = tempConfigDir();

interface Started {
  sim: Simulator;
  clock: ManualClock;
  requests: string[];
}

const running: Simulator[] = [];
async function simulator(
  scenario: string,
  opts: { history?: number; seed?: number; apiKey?: string } = {},
): Promise<Started> {
  const clock = manualClock(START);
  const sim = await startSimulator({
    scenario,
    clock,
    seed: opts.seed ?? 11,
    history: opts.history ?? HOUR,
    apiKey: opts.apiKey,
  });
  const requests: string[] = [];
  sim.server.on('request', (req) => requests.push(req.url ?? ''));
  running.push(sim);
  return { sim, clock, requests };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A local clock that can be wildly off from the server's: staleness must not depend on it. */
function localClock(now: number): Clock {
  return { now: () => now, sleep: async () => {} };
}

/** `event get` flags as named in code: `{ selector: 'all', utc: true }`. */
type GetOptions = Record<string, string | boolean>;

interface Ran {
  code?: number;
  error?: CliError;
  io: BufferIO;
}

async function get(
  url: string,
  id: string,
  opts: GetOptions = {},
  io: Partial<BufferIO> = {},
  local = START,
  env: Record<string, string> = {},
): Promise<Ran> {
  const b = bufferIO({ env: { CLUSTER_CONFIG_DIR: configDir, ...env }, ...io });
  const r = await invoke(
    newCmdGet,
    [id, ...argvOf({ selector: 'status', staleAfter: '12m', ...opts, host: url, retries: '0' })],
    { io: b, clock: localClock(local) },
  );
  return r.error ? { error: r.error, io: b } : { code: r.code, io: b };
}

const tty = { stdoutIsTTY: true, color: true, columns: 100 } as const;

describe('event get latest: output forms', () => {
  it('piped, selector status: key: value rows of what the server sent, exit 0', async () => {
    const { sim } = await simulator('healthy');
    const latest = sim.model.latest()!;
    const r = await get(sim.url, 'latest', { utc: true });
    expect(r.code).toBe(0);
    const out = r.io.out();
    expect(out).not.toMatch(BOX);
    expect(out).not.toContain('\u001b');
    expect(out).toContain(`id: ${latest.id}\n`);
    expect(out).toContain('verdict: healthy\n');
    expect(out).toContain(`recorded_at: ${latest.recorded_at}\n`);
    expect(out).toContain(`recorded: ${formatTimestamp(Date.parse(latest.recorded_at), true)}\n`);
    for (const s of ['api', 'compiler', 'runner']) expect(out).toContain(`${s}_status: Healthy\n`);
    expect(out).not.toContain('_info');
    expect(r.io.err()).toBe('');
    // `cut` friendly: every row is key: value
    for (const line of out.trimEnd().split('\n')) expect(line).toMatch(/^[a-z_]+: \S/);
  });

  it("piped, selector all: every service's reports as keyed rows", async () => {
    const { sim } = await simulator('compiler-outage', { history: 10 * MIN });
    const latest = sim.model.latest()!;
    const r = await get(sim.url, 'latest', { selector: 'all' });
    expect(r.code).toBe(0);
    const out = r.io.out();
    expect(out).toContain('verdict: unhealthy\n');
    expect(out).toContain('compiler_status: Unhealthy\n');
    expect(out).toContain(`compiler_self_info: ${latest.compiler_self_info}\n`);
    expect(out).toContain(`api_resources_info: ${latest.api_resources_info}\n`);
    expect(out.match(/_info: /g)).toHaveLength(6);
  });

  it('at a terminal: coloured verdict heading, id, local time with age, a table with coloured statuses', async () => {
    const { sim } = await simulator('compiler-outage', { history: 10 * MIN });
    const latest = sim.model.latest()!;
    const r = await get(sim.url, 'latest', {}, tty);
    const out = r.io.out();
    const text = out.replace(SGR, '');
    expect(text.split('\n')[0]).toBe('✗ unhealthy  ·  compiler Unhealthy');
    expect(out).toContain('\u001b[31m\u001b[1m✗ unhealthy');
    expect(text).toContain(`event    ${latest.id}`);
    const age = formatDuration(Math.floor((START - Date.parse(latest.recorded_at)) / 1000) * 1000);
    expect(text).toContain(`recorded ${formatTimestamp(Date.parse(latest.recorded_at), false)} (${age} ago)`);
    expect(text).toMatch(BOX);
    expect(out).toContain('\u001b[32mHealthy\u001b[39m');
    expect(out).toContain('\u001b[31mUnhealthy\u001b[39m');
    expect(text).not.toContain('self check');
  });

  it('at a terminal with selector all and --utc: reports under the table, wrapped to the width', async () => {
    const { sim } = await simulator('compiler-outage', { history: 10 * MIN });
    const latest = sim.model.latest()!;
    const r = await get(sim.url, 'latest', { selector: 'all', utc: true }, { ...tty, columns: 80 });
    const text = r.io.out().replace(SGR, '');
    expect(text).toContain(`recorded ${formatTimestamp(Date.parse(latest.recorded_at), true)} (`);
    expect(text).toMatch(/Z \(\d+m( \d+s)? ago\)/);
    expect(text).toContain('compiler · ✗ Unhealthy');
    expect(text).toMatch(/ {2}self check {2}Unreachable: Unable to connect to the compiler/);
    for (const line of text.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    // the whole self report is there, only re-flowed
    const flowed = text.replace(/\s+/g, ' ');
    expect(flowed).toContain(latest.compiler_self_info.replace(/\s+/g, ' '));
  });

  it('without colour at a terminal: the table, no escape codes', async () => {
    const { sim } = await simulator('healthy');
    const r = await get(sim.url, 'latest', {}, { ...tty, color: false });
    expect(r.io.out()).toMatch(BOX);
    expect(r.io.out()).not.toContain('\u001b');
    expect(r.io.out().split('\n')[0]).toBe('✓ healthy  ·  api, compiler and runner healthy');
  });
});

describe('event get --json', () => {
  it("piped: the server's object, byte for byte, on one line; status selector has no *_info keys", async () => {
    const { sim } = await simulator('healthy');
    const r = await get(sim.url, 'latest', { json: true });
    const sent = selectEvent(sim.model.latest()!, 'status');
    expect(r.io.out()).toBe(`${JSON.stringify(sent)}\n`);
    const parsed = JSON.parse(r.io.out());
    expect(Object.keys(parsed)).toEqual([
      'id',
      'recorded_at',
      'all_healthy',
      'api_status',
      'compiler_status',
      'runner_status',
    ]);
    expect(parsed.recorded_at).toBe(sent.recorded_at); // as the server wrote it (0, 3 or 6 fraction digits)
    expect(Object.keys(parsed).some((k) => k.endsWith('_info'))).toBe(false);
  });

  it('selector all: all six reports, field order as received', async () => {
    const { sim } = await simulator('compiler-outage', { history: 10 * MIN });
    const r = await get(sim.url, 'latest', { json: true, selector: 'all' });
    const sent = selectEvent(sim.model.latest()!, 'all');
    expect(r.io.out()).toBe(`${JSON.stringify(sent)}\n`);
    expect(Object.keys(JSON.parse(r.io.out()))).toEqual(Object.keys(sent));
  });

  it('long-info texts (non-ASCII, astral, control characters) survive exactly and parse back', async () => {
    const { sim } = await simulator('long-info', { history: 5 * MIN });
    const r = await get(sim.url, 'latest', { json: true, selector: 'all' });
    const sent = selectEvent(sim.model.latest()!, 'all');
    expect(JSON.parse(r.io.out())).toEqual(sent);
    expect(r.io.out()).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('at a terminal: pretty and coloured, same values', async () => {
    const { sim } = await simulator('healthy');
    const r = await get(sim.url, 'latest', { json: true }, tty);
    expect(r.io.out()).toContain('\u001b[');
    expect(r.io.out().split('\n').length).toBe(9);
    expect(JSON.parse(r.io.out().replace(SGR, ''))).toEqual(selectEvent(sim.model.latest()!, 'status'));
  });
});

describe('staleness and --exit-status', () => {
  it("stalled recorder: latest is all healthy but old by the server's clock: verdict stale, warning, exit 0 / 3", async () => {
    const { sim } = await simulator('stalled', { history: 2 * HOUR });
    const plain = await get(sim.url, 'latest');
    expect(plain.code).toBe(0);
    expect(plain.io.out()).toContain('verdict: stale\n');
    expect(plain.io.out()).toMatch(/^age: 1h 59m/m);
    expect(plain.io.err()).toMatch(
      /^warning: the latest event is 1h 59m old \(more than --stale-after 12m\): the monitor has stopped recording/,
    );
    const strict = await get(sim.url, 'latest', { exitStatus: true });
    expect(strict.code).toBe(EXIT.STALE);
    const screen = await get(sim.url, 'latest', {}, tty);
    const text = screen.io.out().replace(SGR, '');
    // Said once, in the heading (wrapped under the verdict at 80 columns), and not again on stderr.
    expect(text).toMatch(
      /^! stale\n {2}all healthy when recorded, but no check for 1h 59m \(more than --stale-after 12m\): the monitor has\n {2}stopped recording, so current health is unknown\n/,
    );
    expect(text.match(/stopped recording/g)).toHaveLength(1);
    expect(screen.io.err()).toBe('');
  });

  it("judges the age by the server's Date, not the local clock, within 5 minutes of it", async () => {
    const { sim, clock } = await simulator('stalled', { history: 5 * MIN });
    // Fresh by the server's clock, although the local clock is 4 minutes ahead.
    const fresh = await get(sim.url, 'latest', { exitStatus: true }, {}, START + 4 * MIN);
    expect(fresh.code).toBe(0);
    expect(fresh.io.out()).toContain('verdict: healthy\n');
    expect(fresh.io.err()).not.toContain('clock');
    // The server's clock moves on; the local clock is behind and would call it fresh.
    clock.advance(HOUR);
    const stale = await get(sim.url, 'latest', { exitStatus: true }, {}, START + HOUR - 4 * MIN);
    expect(stale.code).toBe(EXIT.STALE);
    expect(stale.io.out()).toContain('verdict: stale\n');
  });

  it('a server clock further than 5 minutes from the local one is not believed: said, and judged by the local clock', async () => {
    const { sim } = await simulator('stalled', { history: 5 * MIN });
    // The server says its latest check is 5 minutes old; by the local clock, a day ahead, it is a day old.
    const r = await get(sim.url, 'latest', { exitStatus: true }, {}, START + 24 * HOUR);
    expect(r.code).toBe(EXIT.STALE);
    expect(r.io.out()).toContain('verdict: stale\n');
    expect(r.io.err()).toMatch(
      /warning: the clock of http:\/\/127\.0\.0\.1:\d+ \(its Date header\) is 1d behind this machine's/,
    );
    expect(r.io.err().split('Date header').length).toBe(2);
  });

  it('--stale-after moves the limit; an invalid one is a usage error before any request', async () => {
    const { sim, requests } = await simulator('stalled', { history: 2 * HOUR });
    expect((await get(sim.url, 'latest', { exitStatus: true, staleAfter: '3h' })).code).toBe(0);
    expect((await get(sim.url, 'latest', { exitStatus: true, staleAfter: '30m' })).code).toBe(EXIT.STALE);
    const n = requests.length;
    const bad = await get(sim.url, 'latest', { staleAfter: 'soon' });
    expect(bad.error?.exitCode).toBe(EXIT.USAGE);
    expect(bad.error?.message).toMatch(/--stale-after "soon"/);
    expect(requests.length).toBe(n);
  });

  it('an old event asked for by id is history, not stale', async () => {
    const { sim } = await simulator('stalled', { history: 2 * HOUR });
    const r = await get(sim.url, sim.model.latest()!.id, { exitStatus: true });
    expect(r.code).toBe(0);
    expect(r.io.out()).toContain('verdict: healthy\n');
    expect(r.io.err()).toBe('');
  });

  it('--exit-status: 0 healthy, 2 not all healthy (also for InitialUnhealthy), 0 without the flag', async () => {
    const healthy = await simulator('healthy');
    expect((await get(healthy.sim.url, 'latest', { exitStatus: true })).code).toBe(0);
    const outage = await simulator('compiler-outage', { history: 10 * MIN });
    expect((await get(outage.sim.url, 'latest', { exitStatus: true })).code).toBe(EXIT.UNHEALTHY);
    expect((await get(outage.sim.url, 'latest', { exitStatus: true, json: true })).code).toBe(EXIT.UNHEALTHY);
    expect((await get(outage.sim.url, 'latest')).code).toBe(0);
    const startup = await simulator('startup', { history: 30_000 });
    const r = await get(startup.sim.url, 'latest', { exitStatus: true });
    expect(r.io.out()).toContain('InitialUnhealthy');
    expect(r.code).toBe(EXIT.UNHEALTHY);
  });
});

describe('ids: full, prefix, errors', () => {
  it('a full id and a unique prefix (with dashes, upper case) show that event', async () => {
    const { sim, requests } = await simulator('compiler-outage', { history: 2 * HOUR });
    const events = sim.model.events();
    const target = events[3]!;
    const full = await get(sim.url, target.id, { json: true });
    expect(JSON.parse(full.io.out()).id).toBe(target.id);
    expect(requests.filter((u) => u === '/v0/cluster/events')).toHaveLength(0);
    // a prefix long enough to be unique among the retained ids
    let n = 8;
    while (events.filter((e) => e.id.replace(/-/g, '').startsWith(target.id.replace(/-/g, '').slice(0, n))).length > 1)
      n++;
    const prefix = target.id.slice(0, n + (n > 8 ? 1 : 0)).toUpperCase();
    const r = await get(sim.url, prefix, { json: true, selector: 'all' });
    expect(r.io.out()).toBe(`${JSON.stringify(selectEvent(target, 'all'))}\n`);
    expect(requests.filter((u) => u === '/v0/cluster/events')).toHaveLength(1);
    // with the status selector the list entry is the answer: one request in all
    const before = requests.length;
    const s = await get(sim.url, prefix, { json: true });
    expect(s.io.out()).toBe(`${JSON.stringify(selectEvent(target, 'status'))}\n`);
    expect(requests.slice(before)).toEqual(['/v0/cluster/events']);
  });

  it('an ambiguous prefix: an error listing the candidates with their times', async () => {
    const { sim } = await simulator('startup', { history: 20 * MIN, seed: 3 });
    const events = sim.model.events();
    const groups = new Map<string, typeof events>();
    for (const e of events) groups.set(e.id.slice(0, 8), [...(groups.get(e.id.slice(0, 8)) ?? []), e]);
    const [prefix, group] = [...groups].find(([, g]) => g.length > 1)!;
    const r = await get(sim.url, prefix, { utc: true });
    expect(r.error?.kind).toBe('ambiguous-id');
    expect(r.error?.exitCode).toBe(EXIT.FAILURE);
    const lines = r.error!.message.split('\n');
    expect(lines[0]).toBe(`event id prefix ${prefix} is ambiguous: ${group.length} events match`);
    for (const e of group) {
      expect(r.error!.message).toContain(`  ${e.id}  ${formatTimestamp(Date.parse(e.recorded_at), true)}  `);
    }
    expect(r.io.out()).toBe('');
  });

  it('a prefix that matches nothing: unknown-event, with the retention rule in the hint', async () => {
    const { sim } = await simulator('healthy');
    const r = await get(sim.url, 'ffffffff');
    expect(r.error).toBeInstanceOf(ApiError);
    expect((r.error as ApiError).apiKind).toBe('unknown-event');
    expect(r.error!.message).toBe('no retained event id starts with ffffffff');
    expect(r.error!.hint).toMatch(/72 h and at most the 1000 newest/);
  });

  it("a full id that is no longer retained: the server's explanation of retention", async () => {
    const { sim } = await simulator('healthy');
    const r = await get(sim.url, '00000000-0000-7000-8000-000000000000');
    expect((r.error as ApiError).apiKind).toBe('unknown-event');
    expect(r.error!.message).toMatch(
      /'00000000-0000-7000-8000-000000000000' does not exist -- it might have been deleted as monitor events are only retained for 72h and at most 1000/,
    );
    expect(r.error!.hint).toMatch(/cluster event list/);
  });

  it('too short, not hex, or a bad selector: exit 64 before any request', async () => {
    const { sim, requests } = await simulator('healthy');
    for (const [id, opts, re] of [
      ['019af3', {}, /too short/],
      ['yesterday', {}, /not a hex digit/],
      ['0193-a5c2', {}, /dash at position 5/],
      ['latest', { selector: 'everything' }, /--selector "everything"/],
    ] as const) {
      const r = await get(sim.url, id, opts);
      expect(r.error?.exitCode, id).toBe(EXIT.USAGE);
      expect(r.error?.message).toMatch(re);
    }
    expect(requests).toEqual([]);
  });

  it('no events recorded yet: a clear no-events error', async () => {
    const clock = manualClock(START);
    const sim = await startSimulator({ scenario: 'healthy', clock, seed: 1, history: 0 });
    running.push(sim);
    const r = await get(sim.url, 'latest');
    expect((r.error as ApiError).apiKind).toBe('no-events');
    expect(r.error!.message).toBe('no cluster monitor events recorded yet');
    const p = await get(sim.url, '019af3a1');
    expect(p.error!.message).toBe('no retained event id starts with 019af3a1 (the server has no events recorded)');
  });

  it('with auth on: the credential from FELDERA_API_KEY is sent; without it, not authorised', async () => {
    const { sim } = await simulator('healthy', { apiKey: 'apikey:s3cret' });
    const ok = await get(sim.url, 'latest', { json: true }, {}, START, { FELDERA_API_KEY: 'apikey:s3cret' });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.io.out()).id).toBe(sim.model.latest()!.id);
    const denied = await get(sim.url, 'latest');
    expect((denied.error as ApiError).apiKind).toBe('unauthorized');
    expect(denied.error!.hint).toMatch(/cluster login/);
  });
});

describe('long-info scenario at a terminal', () => {
  let started: Started;
  beforeAll(async () => {
    const clock = manualClock(START);
    const sim = await startSimulator({ scenario: 'long-info', clock, seed: 5, history: 5 * MIN });
    started = { sim, clock, requests: [] };
  });
  afterAll(() => started.sim.close());

  for (const columns of [120, 80, 50]) {
    it(`wraps every line to ${columns} columns, keeps line breaks, shows no raw control characters`, async () => {
      const r = await get(started.sim.url, 'latest', { selector: 'all' }, { ...tty, columns });
      const out = r.io.out();
      const text = out.replace(SGR, '');
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      for (const line of text.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(columns);
      // numbered rows of the multi-line resources report start their own lines
      expect(text).toMatch(/\n {4,}00[1-3]: /);
      expect(text.replace(/\s+/g, ' ')).toContain('(truncated due to exceeding maximum number of characters)');
      // the embedded ESC[31m became nothing, the tab spaces
      expect(text).toMatch(/caused by: stream reset/);
    });
  }
});
