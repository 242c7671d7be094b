import { describe, expect, it } from 'vitest';
import { groupIncidents, incidentJson, incidentsInWindow } from '../../src/domain/incidents.js';
import { ev, HOUR, MIN, S, SEC, serverOrder, T0 } from './fixtures.js';

const NOW = T0 + 10 * HOUR;
const rel = (ms: number | undefined) => (ms === undefined ? undefined : (ms - T0) / MIN);

describe('groupIncidents', () => {
  it('no events, one healthy event, all healthy: no incidents', () => {
    expect(groupIncidents([], NOW)).toEqual([]);
    expect(groupIncidents([ev(0)], NOW)).toEqual([]);
    expect(groupIncidents(serverOrder(Array.from({ length: 50 }, (_, i) => ev(i * 10 * MIN))), NOW)).toEqual([]);
  });

  it('one unhealthy event: an ongoing incident lasting until now, that may have begun earlier', () => {
    const [x, ...rest] = groupIncidents([ev(0, S.H, S.U)], NOW);
    expect(rest).toEqual([]);
    expect(x).toMatchObject({
      service: 'compiler',
      worst: 'Unhealthy',
      ongoing: true,
      events: 1,
      beganBeforeWindow: true,
      endedAt: undefined,
    });
    expect(x!.durationMs).toBe(10 * HOUR);
  });

  it('a status holds until the next event: the incident ends at the first healthy event after it', () => {
    const events = serverOrder([
      ev(0),
      ev(10 * MIN, S.H, S.U),
      ev(11 * MIN, S.H, S.U),
      ev(13 * MIN, S.H, S.U),
      ev(17 * MIN),
      ev(27 * MIN),
    ]);
    const [x] = groupIncidents(events, NOW);
    expect(x).toMatchObject({
      service: 'compiler',
      worst: 'Unhealthy',
      ongoing: false,
      events: 3,
      beganBeforeWindow: false,
    });
    expect(rel(x!.startedAt)).toBe(10);
    expect(rel(x!.endedAt)).toBe(17);
    expect(x!.durationMs).toBe(7 * MIN);
    expect(x!.startedAtText).toBe(events.find((e) => Date.parse(e.recorded_at) === T0 + 10 * MIN)!.recorded_at);
    expect(x!.firstEventId).toBe(events[4]!.id);
    expect(x!.lastEventId).toBe(events[2]!.id);
    expect(x!.endEventId).toBe(events[1]!.id);
  });

  it('worst status: Unhealthy over InitialUnhealthy; only InitialUnhealthy stays that', () => {
    const starting = groupIncidents([ev(0, S.I, S.I, S.I), ev(1 * MIN, S.H, S.I, S.H), ev(2 * MIN)], NOW);
    expect(starting.map((x) => [x.service, x.worst, x.events, rel(x.endedAt)])).toEqual([
      ['api', 'InitialUnhealthy', 1, 1],
      ['compiler', 'InitialUnhealthy', 2, 2],
      ['runner', 'InitialUnhealthy', 1, 1],
    ]);
    const mixed = groupIncidents([ev(0), ev(1 * MIN, S.I), ev(2 * MIN, S.U), ev(3 * MIN, S.I), ev(4 * MIN)], NOW);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toMatchObject({ worst: 'Unhealthy', events: 3 });
  });

  it('services are grouped independently; newest first', () => {
    const events = [
      ev(0),
      ev(10 * MIN, S.H, S.U),
      ev(20 * MIN, S.H, S.U, S.U), // runner joins while the compiler is still down
      ev(30 * MIN, S.H, S.H, S.U), // compiler back
      ev(40 * MIN), // runner back
      ev(50 * MIN, S.U), // api: ongoing
    ];
    const xs = groupIncidents(serverOrder(events), NOW);
    expect(xs.map((x) => [x.service, rel(x.startedAt), x.ongoing ? 'ongoing' : rel(x.endedAt), x.events])).toEqual([
      ['api', 50, 'ongoing', 1],
      ['runner', 20, 40, 2],
      ['compiler', 10, 30, 2],
    ]);
    expect(xs[0]!.durationMs).toBe(NOW - (T0 + 50 * MIN));
    expect(xs[0]!.beganBeforeWindow).toBe(false);
  });

  it('restricted to one service', () => {
    const events = [ev(0, S.U, S.U), ev(MIN)];
    expect(groupIncidents(events, NOW, ['compiler']).map((x) => x.service)).toEqual(['compiler']);
  });

  // How its time grows with the number of events: bench/domain.mjs.
  it('1000 alternating events: 500 incidents', () => {
    const events = serverOrder(Array.from({ length: 1000 }, (_, i) => ev(i * 30 * SEC, S.H, S.H, i % 2 ? S.H : S.U)));
    const xs = groupIncidents(events, NOW);
    expect(xs).toHaveLength(500);
    expect(xs.every((x) => x.service === 'runner' && x.events === 1 && x.durationMs === 30 * SEC)).toBe(true);
    expect(rel(xs[0]!.startedAt)).toBe(998 * 0.5);
    expect(xs[499]!.beganBeforeWindow).toBe(true);
  });
});

describe('incidentsInWindow', () => {
  const xs = groupIncidents([ev(0), ev(10 * MIN, S.U), ev(20 * MIN), ev(60 * MIN, S.U)], NOW);
  it('keeps incidents that overlap the window; an ongoing one lasts until now', () => {
    expect(incidentsInWindow(xs, T0 + 25 * MIN, undefined, NOW).map((x) => rel(x.startedAt))).toEqual([60]);
    expect(incidentsInWindow(xs, T0 + 20 * MIN, undefined, NOW).map((x) => rel(x.startedAt))).toEqual([60, 10]);
    expect(incidentsInWindow(xs, undefined, T0 + 30 * MIN, NOW).map((x) => rel(x.startedAt))).toEqual([10]);
    expect(incidentsInWindow(xs, T0 + 21 * MIN, T0 + 59 * MIN, NOW)).toEqual([]);
    expect(incidentsInWindow(xs, NOW, undefined, NOW)).toHaveLength(1);
  });
});

describe('how exact a start or end is', () => {
  it('a change of the overall verdict is recorded at once: exact', () => {
    const [x] = groupIncidents([ev(0), ev(10 * MIN, S.H, S.U), ev(14 * MIN)], NOW);
    expect(x).toMatchObject({ startPrecisionMs: undefined, endPrecisionMs: undefined });
  });

  it('a service that changes while the cluster is already unhealthy waits for the next back-off insert', () => {
    // compiler down at 10m; the runner fails too, recorded at a back-off insert at 18m; the compiler
    // recovers first (recorded at 26m, the runner still down), then the runner (at once, all healthy at 30m)
    const events = [
      ev(0),
      ev(10 * MIN, S.H, S.U),
      ev(18 * MIN, S.H, S.U, S.U),
      ev(26 * MIN, S.H, S.H, S.U),
      ev(30 * MIN),
    ];
    const byService = Object.fromEntries(groupIncidents(events, NOW).map((x) => [x.service, x]));
    expect(byService.compiler).toMatchObject({ startPrecisionMs: undefined, endPrecisionMs: 8 * MIN });
    expect(byService.runner).toMatchObject({ startPrecisionMs: 8 * MIN, endPrecisionMs: undefined });
    expect(incidentJson(byService.runner!)).toMatchObject({
      start_precision_seconds: 480,
      end_precision_seconds: null,
    });
    expect(incidentJson(byService.compiler!)).toMatchObject({
      start_precision_seconds: null,
      end_precision_seconds: 480,
    });
  });

  it('the oldest retained event has no event before it: its start is marked as beginning before the window instead', () => {
    const [x] = groupIncidents([ev(0, S.H, S.U), ev(5 * MIN)], NOW);
    expect(x).toMatchObject({ beganBeforeWindow: true, startPrecisionMs: undefined });
  });
});

describe('a start after a recorder gap', () => {
  it('follows an all-healthy event older than the gap limit: imprecise by the whole gap', () => {
    const events = [ev(0), ev(10 * MIN), ev(2 * HOUR, S.H, S.U), ev(2 * HOUR + 10 * MIN)];
    const [x] = groupIncidents(events, NOW, ['compiler'], 22.5 * MIN);
    expect(x).toMatchObject({ startAfterGap: true, startPrecisionMs: 2 * HOUR - 10 * MIN });
    expect(incidentJson(x!)).toMatchObject({ start_after_gap: true, start_precision_seconds: 110 * 60 });
  });
  it('within a healthy period it is exact; without a limit nothing is a gap', () => {
    const events = [ev(0), ev(10 * MIN), ev(15 * MIN, S.H, S.U), ev(25 * MIN)];
    expect(groupIncidents(events, NOW, ['compiler'], 22.5 * MIN)[0]).toMatchObject({
      startAfterGap: false,
      startPrecisionMs: undefined,
    });
    const gap = [ev(0), ev(2 * HOUR, S.H, S.U)];
    expect(groupIncidents(gap, NOW, ['compiler'])[0]).toMatchObject({ startAfterGap: false });
  });
});

describe('incidentJson', () => {
  it('snake_case, server times, null end while ongoing', () => {
    const events = [ev(0), ev(10 * MIN, S.U), ev(20 * MIN), ev(60 * MIN, S.H, S.H, S.I)];
    const [ongoing, done] = groupIncidents(events, NOW).map(incidentJson);
    expect(done).toEqual({
      service: 'api',
      worst_status: 'Unhealthy',
      started_at: events[1]!.recorded_at,
      ended_at: events[2]!.recorded_at,
      ongoing: false,
      duration_seconds: 600,
      events: 1,
      first_event_id: events[1]!.id,
      last_event_id: events[1]!.id,
      end_event_id: events[2]!.id,
      began_before_window: false,
      start_precision_seconds: null,
      start_after_gap: false,
      end_precision_seconds: null,
    });
    expect(ongoing).toMatchObject({
      service: 'runner',
      worst_status: 'InitialUnhealthy',
      ended_at: null,
      ongoing: true,
      end_event_id: null,
      duration_seconds: (NOW - T0 - 60 * MIN) / 1000,
    });
  });
});
