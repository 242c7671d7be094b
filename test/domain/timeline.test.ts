import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chronological } from '../../src/domain/history.js';
import { groupIncidents } from '../../src/domain/incidents.js';
import {
  availability,
  BACKOFF_GAP_MS,
  buildTimeline,
  RETENTION_MS,
  type Segment,
  serviceSegments,
  sliceSegments,
  sliceShares,
  timelineJson,
  timelineWindow,
} from '../../src/domain/timeline.js';
import { palette } from '../../src/render/style.js';
import {
  axisLines,
  axisTicks,
  CELL_GLYPH,
  cellGlyph,
  formatPercent,
  renderTimeline,
} from '../../src/render/timeline.js';
import { ev, HOUR, MIN, S, SEC, serverOrder, T0 } from './fixtures.js';

const STALE = 12 * MIN;
const rel = (segs: Segment[]) => segs.map((s) => [(s.start - T0) / MIN, (s.end - T0) / MIN, s.status]);
const seg = (a: number, b: number, status: Segment['status']): Segment => ({
  start: T0 + a * MIN,
  end: T0 + b * MIN,
  status,
});

describe('serviceSegments', () => {
  it('time before the first retained event is unknown; each status holds until the next event', () => {
    const asc = chronological([ev(10 * MIN), ev(20 * MIN, S.H, S.U), ev(25 * MIN)]);
    expect(rel(serviceSegments(asc, 'compiler', T0, T0 + 30 * MIN, STALE))).toEqual([
      [0, 10, 'Unknown'],
      [10, 20, 'Healthy'],
      [20, 25, 'Unhealthy'],
      [25, 30, 'Healthy'],
    ]);
    // adjacent equal stretches merge
    expect(rel(serviceSegments(asc, 'api', T0, T0 + 30 * MIN, STALE))).toEqual([
      [0, 10, 'Unknown'],
      [10, 30, 'Healthy'],
    ]);
  });

  it('a healthy stretch longer than --stale-after is healthy for stale-after, then unknown', () => {
    const asc = chronological([ev(0), ev(60 * MIN), ev(70 * MIN)]);
    expect(rel(serviceSegments(asc, 'runner', T0, T0 + 80 * MIN, STALE))).toEqual([
      [0, 12, 'Healthy'],
      [12, 60, 'Unknown'],
      [60, 80, 'Healthy'],
    ]);
    // exactly stale-after apart is still healthy throughout
    expect(rel(serviceSegments(chronological([ev(0), ev(12 * MIN)]), 'api', T0, T0 + 20 * MIN, STALE))).toEqual([
      [0, 20, 'Healthy'],
    ]);
  });

  it('only an all-healthy stretch is cut: while another service is unhealthy, Feldera records with back-off, so a long gap is not missing data', () => {
    // compiler down: events 25 min apart (back-off plus timeouts) — the healthy api and runner are not unknown in between
    const asc = chronological([ev(0, S.H, S.U), ev(25 * MIN, S.H, S.U), ev(50 * MIN)]);
    expect(rel(serviceSegments(asc, 'api', T0, T0 + 55 * MIN, STALE))).toEqual([[0, 55, 'Healthy']]);
    expect(rel(serviceSegments(asc, 'compiler', T0, T0 + 55 * MIN, STALE))).toEqual([
      [0, 50, 'Unhealthy'],
      [50, 55, 'Healthy'],
    ]);
    // an all-healthy stretch with the same gap is cut for every service
    const quiet = chronological([ev(0), ev(25 * MIN)]);
    for (const svc of ['api', 'compiler', 'runner'] as const) {
      expect(rel(serviceSegments(quiet, svc, T0, T0 + 30 * MIN, STALE))).toEqual([
        [0, 12, 'Healthy'],
        [12, 25, 'Unknown'],
        [25, 30, 'Healthy'],
      ]);
    }
  });

  it('a non-healthy stretch is not cut within the longest back-off gap (25 min); beyond it the rest is unknown', () => {
    expect(BACKOFF_GAP_MS).toBe(25 * MIN);
    const normal = chronological([ev(0, S.H, S.U), ev(24 * MIN)]);
    expect(rel(serviceSegments(normal, 'compiler', T0, T0 + 25 * MIN, STALE))).toEqual([
      [0, 24, 'Unhealthy'],
      [24, 25, 'Healthy'],
    ]);
    // The recorder died while the compiler was down: an hour later is not an hour of outage.
    const died = chronological([ev(0, S.H, S.U), ev(60 * MIN)]);
    expect(rel(serviceSegments(died, 'compiler', T0, T0 + 61 * MIN, STALE))).toEqual([
      [0, 25, 'Unhealthy'],
      [25, 60, 'Unknown'],
      [60, 61, 'Healthy'],
    ]);
    // The healthy services of that stretch are unknown after it too.
    expect(rel(serviceSegments(died, 'api', T0, T0 + 61 * MIN, STALE))).toEqual([
      [0, 25, 'Healthy'],
      [25, 60, 'Unknown'],
      [60, 61, 'Healthy'],
    ]);
    // A stale limit longer than the back-off gap (slow rounds) stretches both.
    expect(rel(serviceSegments(died, 'compiler', T0, T0 + 61 * MIN, 40 * MIN))[0]).toEqual([0, 40, 'Unhealthy']);
  });

  it('the latest healthy event goes unknown after stale-after (the recorder stopped)', () => {
    const asc = chronological([ev(0), ev(10 * MIN)]);
    expect(rel(serviceSegments(asc, 'api', T0, T0 + 5 * HOUR, STALE))).toEqual([
      [0, 22, 'Healthy'],
      [22, 300, 'Unknown'],
    ]);
  });

  it('events before the window set the status at its start; segments are clipped to the window', () => {
    const asc = chronological([ev(0, S.U), ev(20 * MIN), ev(30 * MIN)]);
    expect(rel(serviceSegments(asc, 'api', T0 + 10 * MIN, T0 + 40 * MIN, STALE))).toEqual([
      [10, 20, 'Unhealthy'],
      [20, 40, 'Healthy'],
    ]);
  });

  it('no events at all: the whole window is unknown; an empty window has no segments', () => {
    expect(rel(serviceSegments([], 'api', T0, T0 + HOUR, STALE))).toEqual([[0, 60, 'Unknown']]);
    expect(serviceSegments([], 'api', T0, T0, STALE)).toEqual([]);
  });
});

describe('sliceShares: how much of its slice the status of a cell holds', () => {
  const end = T0 + 60 * MIN; // 6 slices of 10 minutes
  const shares = (segs: Segment[]) => sliceShares(segs, sliceSegments(segs, T0, end, 6), T0, end);

  it('1 where one status fills the slice, its part where another shares it', () => {
    // slice 1: 4.5 min unhealthy of 10 (45 %), slice 2: all unhealthy, slice 3: 5.5 of 10
    const segs = [seg(0, 15.5, 'Healthy'), seg(15.5, 35.5, 'Unhealthy'), seg(35.5, 60, 'Healthy')];
    expect(sliceSegments(segs, T0, end, 6)).toEqual([
      'Healthy',
      'Unhealthy',
      'Unhealthy',
      'Unhealthy',
      'Healthy',
      'Healthy',
    ]);
    expect(shares(segs)).toEqual([1, 0.45, 1, 0.55, 1, 1]);
  });

  it('a sliver is never rounded away, a near-whole slice never rounded to whole', () => {
    const sliver = [
      seg(0, 25, 'Healthy'),
      { start: T0 + 25 * MIN, end: T0 + 25 * MIN + 10, status: 'Unhealthy' as const },
    ];
    sliver.push({ start: T0 + 25 * MIN + 10, end, status: 'Healthy' });
    expect(shares(sliver)[2]).toBe(0.001);
    const almost = [seg(0, 20, 'Healthy'), { start: T0 + 20 * MIN, end: end - 10, status: 'Unhealthy' as const }];
    almost.push({ start: end - 10, end, status: 'Healthy' });
    expect(shares(almost)[5]).toBe(0.999);
  });

  it('a slice shared by two bad statuses: the worst one, and its part only', () => {
    const segs = [
      seg(0, 10, 'Healthy'),
      seg(10, 13, 'InitialUnhealthy'),
      seg(13, 20, 'Unhealthy'),
      seg(20, 60, 'Healthy'),
    ];
    expect(sliceSegments(segs, T0, end, 6)[1]).toBe('Unhealthy');
    expect(shares(segs)[1]).toBe(0.7);
  });

  it('every share is in (0, 1], and 1 exactly where one segment alone touches the slice', () => {
    const status = fc.constantFrom<Segment['status']>('Healthy', 'Unhealthy', 'InitialUnhealthy', 'Unknown');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), status), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        (parts, cells) => {
          let at = T0;
          const segs: Segment[] = parts.map(([len, st]) => {
            const s = { start: at, end: at + len * SEC, status: st };
            at += len * SEC;
            return s;
          });
          const statuses = sliceSegments(segs, T0, at, cells);
          const got = sliceShares(segs, statuses, T0, at);
          expect(got).toHaveLength(cells);
          for (const x of got) {
            expect(x).toBeGreaterThan(0);
            expect(x).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});

describe('timeline glyphs: a shape per status, part or whole, the same with and without colour', () => {
  it('every glyph is distinct, and one column wide', () => {
    const all = Object.values(CELL_GLYPH).flatMap((g) => [g.whole, g.part]);
    // Healthy and Unknown have no partial form (Healthy is the best status; unknown is unknown)
    expect(new Set(all).size).toBe(6);
    for (const g of all) expect([...g]).toHaveLength(1);
    expect(cellGlyph('Unhealthy', 1)).not.toBe(cellGlyph('Unhealthy', 0.45));
    expect(cellGlyph('InitialUnhealthy', 1)).not.toBe(cellGlyph('InitialUnhealthy', 0.5));
  });

  it('a service 45% available in a cell is drawn unhealthy in part, not as a solid block; colour adds nothing but colour', () => {
    // 10 cells of 10 minutes; the compiler fails at 15.5 and recovers at 35.5
    const events = [ev(0), ev(15.5 * MIN, S.H, S.U), ev(35.5 * MIN), ev(45 * MIN), ev(55 * MIN)];
    const t = buildTimeline(events, {
      start: T0,
      end: T0 + 60 * MIN,
      cells: 6,
      staleAfterMs: STALE,
      now: T0 + 60 * MIN,
    });
    const view = { utc: true, color: false, columns: 80 };
    const plain = renderTimeline(t, view, { color: palette(false) });
    const row = plain.split('\n').find((l) => l.startsWith('compiler'));
    expect(row).toBe('compiler  ▁▄█▄▁▁');
    const coloured = renderTimeline(t, { ...view, color: true }, { color: palette(true) });
    const painted = coloured.split('\n').find((l) => l.startsWith('compiler'))!;
    expect(painted).not.toBe(row);
    expect(painted.replace(/\u001b\[[0-9;]*m/g, '')).toBe(row);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

describe('sliceSegments', () => {
  const end = T0 + 60 * MIN; // 6 slices of 10 minutes

  it('events exactly on slice borders fall in the later slice only', () => {
    const cells = sliceSegments([seg(0, 10, 'Healthy'), seg(10, 20, 'Unhealthy'), seg(20, 60, 'Healthy')], T0, end, 6);
    expect(cells).toEqual(['Healthy', 'Unhealthy', 'Healthy', 'Healthy', 'Healthy', 'Healthy']);
  });

  it('the worst status anywhere in a slice wins: a 1-second outage is not hidden', () => {
    const cells = sliceSegments(
      [
        seg(0, 25, 'Healthy'),
        { start: T0 + 25 * MIN, end: T0 + 25 * MIN + SEC, status: 'Unhealthy' },
        { start: T0 + 25 * MIN + SEC, end, status: 'Healthy' },
      ],
      T0,
      end,
      6,
    );
    expect(cells).toEqual(['Healthy', 'Healthy', 'Unhealthy', 'Healthy', 'Healthy', 'Healthy']);
  });

  it('ranking: Unhealthy > InitialUnhealthy > Unknown > Healthy', () => {
    const cells = sliceSegments(
      [
        seg(0, 5, 'Healthy'),
        seg(5, 10, 'Unknown'),
        seg(10, 15, 'Unknown'),
        seg(15, 20, 'InitialUnhealthy'),
        seg(20, 25, 'InitialUnhealthy'),
        seg(25, 30, 'Unhealthy'),
        seg(30, 60, 'Healthy'),
      ],
      T0,
      end,
      6,
    );
    expect(cells).toEqual(['Unknown', 'InitialUnhealthy', 'Unhealthy', 'Healthy', 'Healthy', 'Healthy']);
  });

  it('more cells than milliseconds still covers every cell; uncovered cells are unknown', () => {
    expect(sliceSegments([{ start: T0, end: T0 + 3, status: 'Healthy' }], T0, T0 + 3, 7)).toEqual(
      new Array(7).fill('Healthy'),
    );
    expect(sliceSegments([seg(0, 30, 'Healthy')], T0, end, 6)).toEqual([
      'Healthy',
      'Healthy',
      'Healthy',
      'Unknown',
      'Unknown',
      'Unknown',
    ]);
  });
});

describe('availability', () => {
  it('healthy / known, unknown excluded', () => {
    const a = availability([
      seg(0, 30, 'Healthy'),
      seg(30, 40, 'Unknown'),
      seg(40, 45, 'Unhealthy'),
      seg(45, 50, 'InitialUnhealthy'),
      seg(50, 60, 'Healthy'),
    ]);
    expect(a).toEqual({ healthyMs: 40 * MIN, unhealthyMs: 10 * MIN, unknownMs: 10 * MIN, percent: 80 });
  });

  it('nothing known: null, not 0 and not 100', () => {
    expect(availability([seg(0, 60, 'Unknown')]).percent).toBeNull();
    expect(availability([]).percent).toBeNull();
  });
});

describe('timelineWindow', () => {
  const now = T0 + 10 * HOUR;
  it('from the oldest retained event to now', () => {
    expect(timelineWindow([ev(2 * HOUR), ev(HOUR)], now)).toEqual({ start: T0 + HOUR, end: now });
  });
  it('never more than 72 h back (the latest event survives retention however old)', () => {
    expect(timelineWindow([ev(0)], T0 + 100 * HOUR)).toEqual({
      start: T0 + 100 * HOUR - RETENTION_MS,
      end: T0 + 100 * HOUR,
    });
  });
  it('--since wins', () => {
    expect(timelineWindow([ev(2 * HOUR)], now, T0)).toEqual({ start: T0, end: now });
  });
});

describe('buildTimeline', () => {
  it('one event: healthy for stale-after, then unknown', () => {
    const t = buildTimeline([ev(0)], {
      start: T0,
      end: T0 + 60 * MIN,
      cells: 6,
      staleAfterMs: STALE,
      now: T0 + 60 * MIN,
    });
    const api = t.services[0]!;
    expect(api.cells).toEqual(['Healthy', 'Unknown', 'Unknown', 'Unknown', 'Unknown', 'Unknown']);
    expect(api.availability).toEqual({ healthyMs: STALE, unhealthyMs: 0, unknownMs: 48 * MIN, percent: 100 });
    expect(t.events).toBe(1);
  });

  it('all healthy every 10 minutes: 100 % and no unknown time', () => {
    const events = serverOrder(Array.from({ length: 37 }, (_, i) => ev(i * 10 * MIN)));
    const t = buildTimeline(events, {
      start: T0,
      end: T0 + 6 * HOUR,
      cells: 36,
      staleAfterMs: STALE,
      now: T0 + 6 * HOUR,
    });
    for (const s of t.services) {
      expect(s.cells.every((c) => c === 'Healthy')).toBe(true);
      expect(s.availability).toEqual({ healthyMs: 6 * HOUR, unhealthyMs: 0, unknownMs: 0, percent: 100 });
      expect(s.incidents).toBe(0);
    }
  });

  it('an ongoing incident runs to the right edge and counts', () => {
    const events = [ev(0), ev(10 * MIN), ev(20 * MIN), ev(30 * MIN, S.H, S.U), ev(40 * MIN, S.H, S.U)];
    const t = buildTimeline(events, {
      start: T0,
      end: T0 + 60 * MIN,
      cells: 6,
      staleAfterMs: STALE,
      now: T0 + 60 * MIN,
    });
    const compiler = t.services[1]!;
    expect(compiler.cells).toEqual(['Healthy', 'Healthy', 'Healthy', 'Unhealthy', 'Unhealthy', 'Unhealthy']);
    expect(compiler.availability.percent).toBe(50);
    expect(compiler.incidents).toBe(1);
    expect(t.services[0]!.incidents).toBe(0);
  });

  it('stalled: the healthy latest event is followed by unknown time that is not counted healthy', () => {
    const events = [ev(0), ev(10 * MIN)];
    const t = buildTimeline(events, {
      start: T0,
      end: T0 + 2 * HOUR,
      cells: 12,
      staleAfterMs: STALE,
      now: T0 + 2 * HOUR,
    });
    const api = t.services[0]!;
    expect(api.cells.slice(0, 2)).toEqual(['Healthy', 'Healthy']);
    expect(api.cells.slice(3)).toEqual(new Array(9).fill('Unknown'));
    expect(api.availability.percent).toBe(100);
    expect(api.availability.unknownMs).toBe(2 * HOUR - 22 * MIN);
  });

  // How its time grows with the number of events: bench/domain.mjs.
  it('1000 events over 72 h, 200 cells: right totals', () => {
    const step = (72 * HOUR) / 1000;
    const events = serverOrder(
      Array.from({ length: 1000 }, (_, i) => ev(i * step, S.H, S.H, i % 10 === 5 ? S.U : S.H)),
    );
    const start = T0;
    const end = T0 + 72 * HOUR;
    const t = buildTimeline(events, { start, end, cells: 200, staleAfterMs: STALE, now: end });
    const runner = t.services[2]!;
    expect(runner.incidents).toBe(100);
    expect(runner.availability.unhealthyMs).toBeCloseTo(100 * step, 3);
    expect(runner.availability.unknownMs).toBe(0);
    expect(runner.availability.percent).toBeCloseTo(90, 6);
    expect(runner.cells.filter((c) => c === 'Unhealthy').length).toBeGreaterThanOrEqual(100);
    expect(t.services[0]!.cells.every((c) => c === 'Healthy')).toBe(true);
    const sum = runner.segments.reduce((n, s) => n + (s.end - s.start), 0);
    expect(sum).toBe(end - start);
  });

  it('JSON: window, slices, availability in seconds', () => {
    const t = buildTimeline([ev(0), ev(30 * MIN, S.U)], {
      start: T0,
      end: T0 + 60 * MIN,
      cells: 4,
      staleAfterMs: STALE,
      now: T0 + 60 * MIN,
    });
    const j = timelineJson(t);
    expect(j).toMatchObject({
      start: '2025-12-08T12:00:00.000Z',
      end: '2025-12-08T13:00:00.000Z',
      slice_seconds: 900,
      stale_after_seconds: 720,
      events: 2,
    });
    expect(j.services[0]).toMatchObject({
      service: 'api',
      availability_percent: (12 / 37) * 100,
      healthy_seconds: 720,
      unhealthy_seconds: 1500, // the back-off's longest gap (25 min) after the unhealthy event; then unknown
      unknown_seconds: 1380,
      incidents: 1,
      slices: ['Unknown', 'Unknown', 'Unhealthy', 'Unhealthy'], // 0-15 min: 12 healthy + 3 unknown → unknown
    });
  });
});

describe('properties (random histories)', () => {
  const statusArb = fc.constantFrom(S.H, S.H, S.H, S.U, S.I);
  const historyArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 * 60 }), statusArb, statusArb, statusArb), {
    minLength: 1,
    maxLength: 60,
  });

  it('segments tile the window; the three totals add up to it; each cell is the worst status overlapping it', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: 1, max: 97 }),
        fc.integer({ min: 0, max: 120 }),
        (spec, cells, lead) => {
          const events = spec.map(([m, a, c, r]) => ev(m * MIN, a, c, r));
          const start = T0 - lead * MIN;
          const end = T0 + 7 * HOUR;
          const t = buildTimeline(events, { start, end, cells, staleAfterMs: STALE, now: end });
          for (const s of t.services) {
            let at = start;
            for (const g of s.segments) {
              expect(g.start).toBe(at);
              expect(g.end).toBeGreaterThan(g.start);
              at = g.end;
            }
            expect(at).toBe(end);
            const a = s.availability;
            expect(a.healthyMs + a.unhealthyMs + a.unknownMs).toBe(end - start);
            const rank = { Healthy: 0, Unknown: 1, InitialUnhealthy: 2, Unhealthy: 3 } as const;
            s.cells.forEach((cell, i) => {
              const cs = start + ((end - start) * i) / cells;
              const ce = start + ((end - start) * (i + 1)) / cells;
              const worst = Math.max(
                ...s.segments.filter((g) => g.start < ce && g.end > cs).map((g) => rank[g.status]),
              );
              expect(rank[cell]).toBe(worst);
            });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('unhealthy time in the timeline equals the summed durations of the incidents where nothing is unknown', () => {
    // Events never further apart than the back-off allows, and now within it of the last one.
    const denseArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 24 }), statusArb, statusArb, statusArb), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(denseArb, (spec) => {
        let at = 0;
        const events = spec.map(([gap, a, c, r]) => {
          at += gap;
          return ev(at * MIN, a, c, r);
        });
        const end = T0 + (at + 20) * MIN;
        const start = Date.parse(events[0]!.recorded_at);
        const t = buildTimeline(events, { start, end, cells: 10, staleAfterMs: 30 * MIN, now: end });
        const incidents = groupIncidents(events, end);
        for (const s of t.services) {
          const sum = incidents.filter((x) => x.service === s.service).reduce((n, x) => n + x.durationMs, 0);
          expect(s.availability.unknownMs).toBe(0);
          expect(s.availability.unhealthyMs).toBe(sum);
          expect(s.incidents).toBe(incidents.filter((x) => x.service === s.service).length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('with gaps, unhealthy time never exceeds the incidents: a gap is unknown, never counted as an outage', () => {
    fc.assert(
      fc.property(historyArb, (spec) => {
        const events = spec.map(([m, a, c, r]) => ev(m * MIN, a, c, r));
        const end = T0 + 7 * HOUR;
        const first = Math.min(...events.map((e) => Date.parse(e.recorded_at)));
        const t = buildTimeline(events, { start: first, end, cells: 10, staleAfterMs: STALE, now: end });
        const incidents = groupIncidents(events, end);
        for (const s of t.services) {
          const sum = incidents.filter((x) => x.service === s.service).reduce((n, x) => n + x.durationMs, 0);
          expect(s.availability.unhealthyMs).toBeLessThanOrEqual(sum);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('timeline rendering helpers', () => {
  it('availability is never rounded up to 100 %', () => {
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(99.9999)).toBe('99.99%');
    expect(formatPercent(50)).toBe('50.00%');
    expect(formatPercent(null)).toBe('n/a');
  });

  it('ticks at round times, at least 8 cells apart, labels that do not overlap', () => {
    const ticks = axisTicks(T0 - 5 * MIN, T0 + 6 * HOUR - 5 * MIN, 72, true); // 5 min per cell
    expect(ticks.map((t) => t.label)).toEqual(['12:00', '13:00', '14:00', '15:00', '16:00', '17:00']);
    expect(ticks.map((t) => t.column)).toEqual([1, 13, 25, 37, 49, 61]);
    const [marks, labels] = axisLines(ticks, 72);
    expect(marks).toBe(` |${'           |'.repeat(5)}`);
    expect(labels.startsWith(' 12:00       13:00')).toBe(true);
    const days = axisTicks(T0, T0 + 72 * HOUR, 40, true);
    expect(days.every((t) => /^\d\d-\d\d$|^\d\d:\d\d$/.test(t.label))).toBe(true);
    expect(days.find((t) => t.label === '12-09')).toBeDefined(); // midnight shows the date
  });
});
