import { describe, expect, it } from 'vitest';
import {
  checkWindowOrder,
  chronological,
  filterEvents,
  newestFirst,
  parseLimit,
  parseService,
  shortIdLength,
  windowAt,
} from '../../src/domain/history.js';
import { eventVerdict } from '../../src/domain/verdict.js';
import { parseWhenSpec } from '../../src/util/when.js';

/** The flags as typed, parsed as the command line does, then placed against `now`. */
function parseWindow(o: { since?: string; until?: string }, now: number) {
  const w = {
    since: o.since === undefined ? undefined : parseWhenSpec(o.since, '--since'),
    until: o.until === undefined ? undefined : parseWhenSpec(o.until, '--until'),
  };
  checkWindowOrder(w.since, w.until);
  return windowAt(w, now);
}

import { ev, HOUR, MIN, S, serverOrder, T0, usage } from './fixtures.js';

// 0: healthy, 10: compiler down, 20: compiler+runner, 30: runner starting, 40: healthy
const list = serverOrder([
  ev(0),
  ev(10 * MIN, S.H, S.U, S.H),
  ev(20 * MIN, S.H, S.U, S.U),
  ev(30 * MIN, S.H, S.H, S.I),
  ev(40 * MIN),
]);
const times = (es: { recorded_at: string }[]) => es.map((e) => (Date.parse(e.recorded_at) - T0) / MIN);

describe('ordering', () => {
  it('chronological sorts oldest first whatever the input order; newestFirst the other way', () => {
    const shuffled = [list[2]!, list[0]!, list[4]!, list[1]!, list[3]!];
    expect(chronological(shuffled).map((t) => (t.at - T0) / MIN)).toEqual([0, 10, 20, 30, 40]);
    expect(times(newestFirst(shuffled))).toEqual([40, 30, 20, 10, 0]);
  });

  it('same millisecond: microseconds and then the id break the tie', () => {
    const a = { ...ev(0), recorded_at: '2025-12-08T12:00:00.000100Z' };
    const b = { ...ev(0), recorded_at: '2025-12-08T12:00:00.000900Z' };
    expect(newestFirst([a, b])[0]).toBe(b);
  });
});

describe('filterEvents', () => {
  it('--unhealthy keeps an event whose all_healthy flag contradicts its statuses (not healthy, as event get says)', () => {
    const mismatch = { ...ev(50 * MIN, S.H, S.U, S.H), all_healthy: true };
    expect(times(filterEvents([mismatch, ...list], { unhealthy: true }))).toEqual([50, 30, 20, 10]);
  });

  it('no filter: newest first, the very objects the server sent', () => {
    const out = filterEvents(list, {});
    expect(times(out)).toEqual([40, 30, 20, 10, 0]);
    for (const [i, e] of out.entries()) expect(e).toBe(list[i]);
  });

  it('--since and --until are inclusive', () => {
    expect(times(filterEvents(list, { since: T0 + 10 * MIN }))).toEqual([40, 30, 20, 10]);
    expect(times(filterEvents(list, { until: T0 + 20 * MIN + 123 }))).toEqual([20, 10, 0]);
    expect(times(filterEvents(list, { since: T0 + 10 * MIN, until: T0 + 30 * MIN }))).toEqual([30, 20, 10]);
    expect(times(filterEvents(list, { since: T0 + 10 * MIN + 1, until: T0 + 30 * MIN - 1 }))).toEqual([20]);
    expect(filterEvents(list, { since: T0 + 41 * MIN })).toEqual([]);
  });

  it('--unhealthy keeps events that are not all healthy (InitialUnhealthy included)', () => {
    expect(times(filterEvents(list, { unhealthy: true }))).toEqual([30, 20, 10]);
  });

  it('--service keeps events where that service is not Healthy', () => {
    expect(times(filterEvents(list, { service: 'compiler' }))).toEqual([20, 10]);
    expect(times(filterEvents(list, { service: 'runner' }))).toEqual([30, 20]);
    expect(filterEvents(list, { service: 'api' })).toEqual([]);
  });

  it('--limit keeps the newest N; --reverse prints them oldest first', () => {
    expect(times(filterEvents(list, { limit: 2 }))).toEqual([40, 30]);
    expect(times(filterEvents(list, { reverse: true }))).toEqual([0, 10, 20, 30, 40]);
    expect(times(filterEvents(list, { limit: 2, reverse: true }))).toEqual([30, 40]);
    expect(times(filterEvents(list, { limit: 99 }))).toHaveLength(5);
  });

  it('filters combine', () => {
    expect(times(filterEvents(list, { unhealthy: true, service: 'runner', limit: 1 }))).toEqual([30]);
  });

  it('an empty list stays empty; one event', () => {
    expect(filterEvents([], { unhealthy: true })).toEqual([]);
    expect(times(filterEvents([ev(0)], { reverse: true, limit: 1 }))).toEqual([0]);
  });
});

describe('parseLimit / parseService', () => {
  it('accepts whole numbers from 1', () => {
    expect(parseLimit(undefined)).toBeUndefined();
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit(' 250 ')).toBe(250);
  });

  it.each(['0', '-1', '1.5', 'ten', '', '1e3', '99999999999999999999'])(
    'rejects %j with exit 64 and what was expected',
    (text) => {
      expect(usage(() => parseLimit(text)).message).toBe(
        `invalid --limit "${text}": expected a whole number of at least 1`,
      );
    },
  );

  it('a service outside api|compiler|runner is a usage error', () => {
    expect(parseService('compiler')).toBe('compiler');
    expect(usage(() => parseService('db')).message).toMatch(/expected one of api, compiler, runner/);
  });
});

describe('parseWindow (time parsing)', () => {
  const now = T0 + 100 * HOUR;
  it('durations count back from now', () => {
    expect(parseWindow({ since: '2h' }, now)).toEqual({ since: now - 2 * HOUR, until: undefined });
    expect(parseWindow({ since: '3d', until: '90m' }, now)).toEqual({ since: now - 72 * HOUR, until: now - 90 * MIN });
    expect(parseWindow({ since: '1h30m' }, now).since).toBe(now - 90 * MIN);
  });

  it('RFC 3339 times are absolute (Z, offsets, fractions)', () => {
    expect(parseWindow({ since: '2025-12-08T12:00:00Z' }, now).since).toBe(T0);
    expect(parseWindow({ since: '2025-12-08T13:00:00+01:00' }, now).since).toBe(T0);
    expect(parseWindow({ until: '2025-12-08T12:00:00.5Z' }, now).until).toBe(T0 + 500);
  });

  it.each([
    ['--since', 'yesterday'],
    ['--since', '2h ago'],
    ['--since', '12/08/2025'],
    ['--until', '-5m'],
    ['--until', '2025-13-45T99:00:00Z'],
    ['--since', '2025-02-30T00:00:00Z'],
    ['--until', '2025-04-31'],
    ['--since', ''],
  ])('%s %j: exit 64 saying what was expected', (flag, text) => {
    const e = usage(() => parseWindow(flag === '--since' ? { since: text } : { until: text }, now));
    expect(e.message).toBe(
      `invalid ${flag} "${text}": expected a duration such as 30m, 2h, 3d or an RFC 3339 time such as 2025-12-08T14:00:00Z`,
    );
  });

  it('--since after --until is a usage error', () => {
    expect(usage(() => parseWindow({ since: '1h', until: '2h' }, now)).message).toMatch(/--since .* is after --until/);
  });
});

describe('shortIdLength', () => {
  it('8 when the first 8 characters tell the ids apart', () => {
    expect(shortIdLength(['0193a5c2-0000-7000-8000-000000000001', '0193a5c3-0000-7000-8000-000000000001'])).toBe(8);
    expect(shortIdLength([])).toBe(8);
  });

  it('longer when ids share a prefix, never ending on the dash', () => {
    const ids = ['0193a5c2-1a2b-7000-8000-000000000001', '0193a5c2-1a2c-7000-8000-000000000001'];
    expect(shortIdLength(ids)).toBe(13);
    expect(new Set(ids.map((i) => i.slice(0, shortIdLength(ids)))).size).toBe(2);
    expect(shortIdLength(['0193a5c2-a000-7000-8000-000000000001', '0193a5c2-b000-7000-8000-000000000001'])).toBe(10);
  });
});

describe('eventVerdict (watch lines, list rows, hooks)', () => {
  it('unhealthy when the flag or a status says so; stale only when asked and all healthy', () => {
    const mismatch = { ...ev(0, S.H, S.U, S.H), all_healthy: true };
    expect(eventVerdict(mismatch, true)).toBe('unhealthy');
    expect(eventVerdict(ev(0), true)).toBe('stale');
    expect(eventVerdict(ev(0), false)).toBe('healthy');
    expect(eventVerdict({ ...ev(0), all_healthy: false }, false)).toBe('unhealthy');
  });
});
