import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterEventStatus } from '../../src/api/types.js';
import {
  changesBetween,
  eventsAfter,
  keyOf,
  maxEventsBetween,
  oldestFirst,
  servicesTurnedUnhealthy,
  timeKey,
  uuidv7Millis,
} from '../../src/domain/order.js';
import { parseSince } from '../../src/domain/since.js';

function ev(id: string, recorded_at: string, s: Partial<ClusterEventStatus> = {}): ClusterEventStatus {
  return {
    id,
    recorded_at,
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
    ...s,
  };
}
const id = (n: number) => `0193a5c2-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('event order', () => {
  it('keeps microseconds that Date.parse would drop', () => {
    expect(timeKey('2025-12-08T14:03:06.655736Z') - timeKey('2025-12-08T14:03:06.655001Z')).toBe(735);
    expect(timeKey('2025-12-08T14:03:06Z')).toBe(Date.parse('2025-12-08T14:03:06Z') * 1000);
    expect(timeKey('2025-12-08T15:03:06.5+01:00')).toBe(timeKey('2025-12-08T14:03:06.500000Z'));
  });

  it('sorts by recorded_at, then id', () => {
    const a = ev(id(2), '2025-12-08T14:00:00.000001Z');
    const b = ev(id(1), '2025-12-08T14:00:00.000002Z');
    const c = ev(id(3), '2025-12-08T14:00:00.000002Z');
    expect(oldestFirst([c, b, a]).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
  });

  it('eventsAfter: exactly what follows the cursor, oldest first, whatever the input order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 39 }), fc.integer(), (n, at, seed) => {
        const list = Array.from({ length: n }, (_, i) =>
          ev(id(i), new Date(Date.UTC(2025, 0, 1) + i * 10_000).toISOString()),
        );
        const shuffled = list
          .slice()
          .sort((x, y) => ((x.id.charCodeAt(35) * 31 + seed) % 7) - ((y.id.charCodeAt(35) * 31 + seed) % 7));
        const cursor = list[Math.min(at, n - 1)]!;
        const r = eventsAfter(shuffled, keyOf(cursor));
        expect(r.events).toEqual(list.slice(list.indexOf(cursor) + 1));
        expect(r.cursorDeleted).toBe(false);
      }),
    );
  });

  it('eventsAfter: a deleted cursor is detected, and newer events still come', () => {
    const list = [3, 4, 5].map((i) => ev(id(i), `2025-12-08T14:0${i}:00.000000Z`));
    const gone = ev(id(1), '2025-12-08T14:00:00.000000Z');
    const r = eventsAfter(list.slice().reverse(), keyOf(gone));
    expect(r.events.map((e) => e.id)).toEqual([id(3), id(4), id(5)]);
    expect(r.cursorDeleted).toBe(true);
    expect(r.oldestRetained?.id).toBe(id(3));
    // Not deleted if older events are still there (the list lags, or it was never in it).
    expect(eventsAfter([ev(id(0), '2025-12-08T13:00:00Z'), ...list], keyOf(gone)).cursorDeleted).toBe(false);
  });

  it('bounds events between two times by one per 10-second round', () => {
    expect(maxEventsBetween(0, 10_000_000)).toBe(0);
    expect(maxEventsBetween(0, 10_000_001)).toBe(1);
    expect(maxEventsBetween(0, 3_600_000_000)).toBe(359);
    expect(maxEventsBetween(5, 5)).toBe(0);
  });

  it('changes and services that turned unhealthy', () => {
    const a = ev(id(1), '2025-12-08T14:00:00Z');
    const b = ev(id(2), '2025-12-08T14:00:10Z', { all_healthy: false, compiler_status: 'Unhealthy' });
    const c = ev(id(3), '2025-12-08T14:00:20Z', {
      all_healthy: false,
      compiler_status: 'Unhealthy',
      runner_status: 'InitialUnhealthy',
    });
    expect(changesBetween(a, b)).toEqual([{ service: 'compiler', from: 'Healthy', to: 'Unhealthy' }]);
    expect(changesBetween(undefined, b)).toEqual([]);
    expect(servicesTurnedUnhealthy(a, b)).toEqual(['compiler']);
    expect(servicesTurnedUnhealthy(b, c)).toEqual(['runner']);
    expect(servicesTurnedUnhealthy(c, c)).toEqual([]);
    expect(servicesTurnedUnhealthy(undefined, c)).toEqual(['compiler', 'runner']);
    expect(servicesTurnedUnhealthy(c, a)).toEqual([]);
  });

  it('reads the time inside a UUIDv7 only', () => {
    expect(uuidv7Millis('0193a5c2-1234-7abc-8def-0123456789ab')).toBe(0x0193a5c21234);
    expect(uuidv7Millis('0193a5c2-1234-4abc-8def-0123456789ab')).toBeUndefined();
  });
});

describe('--since values', () => {
  it('durations are spans back from the server time', () => {
    expect(parseSince('2h')).toEqual({ kind: 'ago', ms: 7_200_000 });
    expect(parseSince('90')).toEqual({ kind: 'ago', ms: 90_000 });
  });
  it('RFC 3339 times', () => {
    expect(parseSince('2025-12-08T13:00:00Z')).toEqual({ kind: 'time', at: Date.parse('2025-12-08T13:00:00Z') });
  });
  it('event ids: full, hyphenated prefixes, and all-digit prefixes of 8+', () => {
    expect(parseSince('0193A5C2-1234-7ABC-8DEF-0123456789AB')).toEqual({
      kind: 'id',
      id: '0193a5c2-1234-7abc-8def-0123456789ab',
    });
    expect(parseSince('0193a5c2')).toEqual({ kind: 'id', id: '0193a5c2' });
    expect(parseSince('01936512')).toEqual({ kind: 'id', id: '01936512' });
    expect(parseSince('0193a5c2-12')).toEqual({ kind: 'id', id: '0193a5c2-12' });
    // upper case, and hex digits that would also read as a duration in days
    expect(parseSince('01A23258')).toEqual({ kind: 'id', id: '01a23258' });
    expect(parseSince('0123456d')).toEqual({ kind: 'id', id: '0123456d' });
    expect(parseSince('0123456D')).toEqual({ kind: 'id', id: '0123456d' });
    expect(parseSince('3d')).toEqual({ kind: 'ago', ms: 3 * 86_400_000 });
  });
  it('anything else is a usage error (exit 64)', () => {
    for (const bad of ['yesterday', 'abc', '0193a5c2-1234-7abc-8def-0123456789abX', '']) {
      expect(() => parseSince(bad)).toThrow(expect.objectContaining({ exitCode: 64 }));
    }
  });
});
