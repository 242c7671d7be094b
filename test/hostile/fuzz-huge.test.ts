/**
 * Valid but huge: answers of the right shape, under every byte and value cap, as large as a server
 * can make them — a list of 71,000 events (~13 MB), info texts of 130,000 lines, every service's
 * health message long. Every view must end in a normal render or a clear one-line error: no
 * RangeError, no stack overflow, no stack trace, memory bounded (issue 17, items 3 and 5).
 *
 * The named cases run always (a regression test each); the property mixes sizes, views, output
 * modes and widths: a few cases in `npm test`, more under `npm run fuzz` (FUZZ_RUNS / 200). What
 * such answers cost in memory is measured where a process is alone, by bench/hostile-memory.mjs
 * (this process holds the server's bodies too).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_EVENTS } from '../../src/api/limits.js';
import type { ClusterEventStatus } from '../../src/api/types.js';
import { groupIncidents } from '../../src/domain/incidents.js';
import { renderEventPlain } from '../../src/render/event.js';
import { type PaintKit, paintKit } from '../../src/render/kit.js';
import { renderEventTable, renderIncidentTable } from '../../src/render/list.js';
import { checkOutcome, type Mode, READERS, runCase } from './run.js';

// Our own colour codes, to read stderr as text.
const OURS = /\u001b\[[0-9;]*m/g;

import { type Endpoint, GOOD_EVENT, type HostileServer, startHostileServer } from './server.js';

const SEED = process.env.FUZZ_SEED === undefined ? 20_251_208 : Number(process.env.FUZZ_SEED);
const RUNS = process.env.FUZZ_RUNS === undefined ? 6 : Math.max(10, Math.round(Number(process.env.FUZZ_RUNS) / 200));
const NEWEST = Date.parse('2025-12-08T14:05:03.645Z');
const STATUSES = ['Healthy', 'Unhealthy', 'InitialUnhealthy'] as const;

/** `n` valid events, newest first, `gapMs` apart; the compiler fails for `down` of every `cycle`. */
function validEvents(n: number, gapMs = 3000, cycle = 12, down = 5): ClusterEventStatus[] {
  const out: ClusterEventStatus[] = [];
  for (let i = 0; i < n; i++) {
    const bad = i % cycle < down;
    out.push({
      id: `019afe41-4c7c-72be-a474-${String(n - i).padStart(12, '0')}`,
      recorded_at: new Date(NEWEST - i * gapMs).toISOString(),
      all_healthy: !bad,
      api_status: 'Healthy',
      compiler_status: bad ? STATUSES[1 + (i % 2)]! : 'Healthy',
      runner_status: 'Healthy',
    } as ClusterEventStatus);
  }
  return out;
}

/** An info text of `lines` lines. */
const manyLines = (lines: number, line = 'line') => Array.from({ length: lines }, (_, i) => `${line} ${i}`).join('\n');

function eventWithTexts(lines: number, all: boolean) {
  const text = manyLines(lines);
  return {
    ...GOOD_EVENT,
    api_self_info: text,
    api_resources_info: all ? text : null,
    compiler_self_info: all ? text : 'Unreachable: refused',
    compiler_resources_info: all ? text : 'n/a',
    runner_self_info: all ? text : 'Healthy',
    runner_resources_info: all ? text : 'n/a',
  };
}

function longHealth(chars: number) {
  const message = manyLines(Math.floor(chars / 12), 'msg');
  const svc = (healthy: boolean) => ({
    healthy,
    message,
    unchanged_since: '2025-12-08T14:05:03.645735Z',
    checked_at: '2025-12-08T14:05:03.645735Z',
  });
  return { all_healthy: false, api: svc(true), compiler: svc(false), runner: svc(true) };
}

const ok = (body: unknown) => ({
  status: 200,
  headers: { 'content-type': 'application/json', date: 'Mon, 08 Dec 2025 14:10:00 GMT' },
  body: JSON.stringify(body),
});

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

async function view(endpoint: Endpoint, body: unknown, reader: string, mode: Mode, json: boolean, columns = 80) {
  const c = READERS[endpoint].find((r) => r.name === reader);
  if (!c) throw new Error(`no reader ${reader} of ${endpoint}`);
  server.attack = { endpoint, answer: ok(body) };
  // A generous request timeout: a 13 MB answer on a busy machine is no failure of the tool's.
  const o = await runCase(server.url, c, mode, json, columns, 60);
  checkOutcome(o, json && c.json, reader.startsWith('event watch'));
  return o;
}

describe('valid but huge answers: the named cases', { timeout: 120_000 }, () => {
  const big = eventWithTexts(130_000, false);

  it('event get -s all: an info text of 130,000 lines (a stack overflow before)', async () => {
    const piped = await view('latest-all', big, 'event get -s all', 'pipe', false);
    expect(piped.code).toBe(0);
    expect(piped.out).toContain('api_self_info: line 129999');
    const tty = await view('latest-all', big, 'event get -s all', 'terminal', false, 60);
    expect(tty.out).toContain('[cut by cluster');
    const json = await view('latest-all', big, 'event get -s all', 'pipe', true);
    expect(JSON.parse(json.out).api_self_info.split('\n')).toHaveLength(130_000);
  });

  it('event get -s all: all six texts long (under the 4 MiB cap), at a terminal and piped', async () => {
    const all = eventWithTexts(40_000, true);
    for (const mode of ['pipe', 'terminal'] as const) {
      const o = await view('latest-all', all, 'event get -s all', mode, false, 100);
      expect(o.code).toBe(0);
      expect(o.out).toContain('runner');
    }
  });

  it('event watch --details: the first event with long reports', async () => {
    const o = await view('latest-all', eventWithTexts(130_000, true), 'event watch --details', 'terminal', false);
    expect(o.out).toContain('compiler');
  });

  const list = validEvents(71_000);
  const views: [string, Mode, boolean][] = [
    ['event list', 'terminal', false],
    ['event list', 'pipe', true],
    ['event incidents', 'terminal', false],
    ['event incidents', 'pipe', true],
    ['event timeline', 'terminal', false],
    ['event timeline', 'pipe', true],
    ['event watch --since', 'terminal', false],
    ['event watch --since', 'pipe', true],
    ['event get prefix', 'pipe', false],
  ];
  for (const [reader, mode, json] of views) {
    it(`${reader}${json ? ' --json' : ''} (${mode}): 71,000 valid events are cut to the newest ${MAX_LIST_EVENTS}, said once`, async () => {
      const o = await view('list', list, reader, mode, json);
      if (reader === 'event get prefix') return; // the newest no longer starts with the prefix: a one-line error
      expect([0, 2, 3, 124]).toContain(o.code);
      // At a terminal the warning is wrapped to the width: read it as one text.
      const err = o.err.replace(OURS, '').replace(/\s+/g, ' ');
      expect(err.split('the server sent 71,000 events').length).toBe(2);
      expect(err).toContain(`only the newest ${MAX_LIST_EVENTS.toLocaleString('en-US')} are used`);
      if (reader === 'event list' && json) expect(JSON.parse(o.out)).toHaveLength(MAX_LIST_EVENTS);
    });
  }

  it('status: every service health message long (under the 1 MiB cap)', async () => {
    for (const [mode, json] of [
      ['terminal', false],
      ['pipe', false],
      ['pipe', true],
    ] as const) {
      const o = await view('healthz', longHealth(300_000), 'status', mode, json, 70);
      expect(o.code).toBe(2);
    }
  });
});

describe('the renderers take any length', { timeout: 120_000 }, () => {
  let kit: PaintKit;
  beforeAll(async () => {
    kit = await paintKit(true);
  });
  it('event list and incidents tables of 71,000 rows, and 20,000 stacked at 30 columns', () => {
    const now = NEWEST + 60_000;
    for (const [n, columns] of [
      [71_000, 200],
      [20_000, 30],
    ] as const) {
      const events = validEvents(n, 3000, 2, 1);
      const incidents = groupIncidents(events, now, undefined, 45 * 60_000);
      expect(incidents.length).toBe(n / 2);
      const t = renderEventTable(events, { utc: true, now, idLength: 8, columns }, kit);
      expect(t.split('\n').length).toBeGreaterThanOrEqual(n);
      const i = renderIncidentTable(incidents, { utc: true, now, columns }, kit);
      expect(i.split('\n').length).toBeGreaterThan(incidents.length);
    }
  });

  it('event get: an event whose texts have 500,000 lines, plain and at a terminal', () => {
    const e = eventWithTexts(500_000, false) as never;
    const v = {
      verdict: 'unhealthy',
      since: undefined,
      checkedAt: NEWEST,
      ageMs: 0,
      staleAfterMs: undefined,
      services: [],
      failing: [],
      mismatch: undefined,
      problem: undefined,
    } as never;
    expect(renderEventPlain(e, v, { utc: true }).split('\n').length).toBeGreaterThan(500_000);
  });
});

describe('valid but huge answers: the class', () => {
  const huge = fc.oneof(
    fc
      .record({
        n: fc.constantFrom(1_000, MAX_LIST_EVENTS + 1, 20_000, 71_000),
        gap: fc.constantFrom(3_000, 600_000, 1_000),
        cycle: fc.integer({ min: 1, max: 40 }),
        down: fc.integer({ min: 0, max: 40 }),
      })
      .map((x) => ({ endpoint: 'list' as Endpoint, ...x, body: () => validEvents(x.n, x.gap, x.cycle, x.down) })),
    fc
      .record({ lines: fc.constantFrom(10_000, 130_000, 200_000), all: fc.boolean() })
      .map((x) => ({ endpoint: 'latest-all' as Endpoint, ...x, body: () => eventWithTexts(x.lines, x.all) })),
    fc
      .constantFrom(100_000, 300_000)
      .map((chars) => ({ endpoint: 'healthz' as Endpoint, chars, body: () => longHealth(chars) })),
  );

  it(`${RUNS} huge answers × their views × output modes`, { timeout: Math.max(120_000, RUNS * 20_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(
        huge,
        fc.nat(),
        fc.constantFrom<Mode>('pipe', 'forced colour', 'terminal'),
        fc.boolean(),
        fc.integer({ min: 20, max: 200 }),
        async (h, which, mode, json, columns) => {
          const readers = READERS[h.endpoint];
          const c = readers[which % readers.length]!;
          await view(h.endpoint, h.body(), c.name, mode, json, columns);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
