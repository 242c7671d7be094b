import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/simulator/event.js';
import { healthOf } from '../../src/simulator/health.js';
import { formatTimestamp } from '../../src/simulator/ids.js';
import { createEventTable, RETENTION_COUNT, RETENTION_MS, retentionCut } from '../../src/simulator/table.js';

const HOUR_US = 3600 * 1e6;

function row(n: number, atUs: number, runner: StoredEvent['runner_status'] = 'Healthy'): StoredEvent {
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    recordedAtUs: atUs,
    recorded_at: formatTimestamp(atUs),
    api_status: 'Healthy',
    api_self_info: 'api ok',
    api_resources_info: '',
    compiler_status: 'Healthy',
    compiler_self_info: 'compiler ok',
    compiler_resources_info: '',
    runner_status: runner,
    runner_self_info: `runner ${runner}`,
    runner_resources_info: '',
    round: n,
  };
}

describe('retentionCut', () => {
  const at = (...hours: number[]) => hours.map((h) => ({ recordedAtUs: h * HOUR_US }));

  it('deletes rows older than 72 h but never the newest', () => {
    expect(retentionCut(at(0, 1, 2, 80), 80 * HOUR_US)).toEqual({ count: 3, byAge: 3 });
    expect(retentionCut(at(0, 1), 100 * HOUR_US)).toEqual({ count: 1, byAge: 1 });
    expect(retentionCut(at(0), 100 * HOUR_US)).toEqual({ count: 0, byAge: 0 });
    expect(retentionCut(at(10, 20), 80 * HOUR_US)).toEqual({ count: 0, byAge: 0 });
    expect(RETENTION_MS).toBe(72 * 3600 * 1000);
  });

  it('deletes by count past the 1000 newest, after what age already took', () => {
    const rows = Array.from({ length: RETENTION_COUNT + 5 }, (_, i) => ({ recordedAtUs: i }));
    expect(retentionCut(rows, 10)).toEqual({ count: 5, byAge: 0 });
    expect(retentionCut(rows, RETENTION_MS * 1000 + 8)).toEqual({ count: 8, byAge: 8 });
  });
});

describe('event table', () => {
  it('keeps rows oldest first, serves them newest first, and logs why retention deleted one', () => {
    const t = createEventTable();
    t.insert(row(1, 0));
    t.insert(row(2, 2 * HOUR_US));
    t.insert(row(3, 73 * HOUR_US));
    expect(t.rows().map((e) => e.round)).toEqual([2, 3]);
    expect(t.events().map((e) => e.round)).toEqual([3, 2]);
    expect(t.latest()?.round).toBe(3);
    expect(t.get(row(1, 0).id)).toBeUndefined();
    expect(t.get(row(2, 0).id)?.round).toBe(2);
    expect(t.log.map((l) => [l.event.round, l.deletedBecause, l.deletedAtUs])).toEqual([
      [1, 'age', 73 * HOUR_US + 1000],
      [2, undefined, undefined],
      [3, undefined, undefined],
    ]);
  });

  it('without a log (cluster simulate): the same rows, nothing kept of what retention deleted', () => {
    const t = createEventTable(false);
    for (let i = 0; i < RETENTION_COUNT + 50; i++) t.insert(row(i, i * 10_000_000));
    expect(t.rows()).toHaveLength(RETENTION_COUNT);
    expect(t.rows()[0]!.round).toBe(50);
    expect(t.get(row(49, 0).id)).toBeUndefined();
    expect(t.log).toEqual([]);
  });
});

describe('healthOf', () => {
  it('is undefined for an empty table', () => {
    expect(healthOf([])).toBeUndefined();
  });

  it('dates unchanged_since from the oldest event of the unbroken run, InitialUnhealthy counting as unhealthy', () => {
    const rows = [row(1, 1e6), row(2, 2e6, 'InitialUnhealthy'), row(3, 3e6, 'Unhealthy'), row(4, 4e6, 'Unhealthy')];
    const h = healthOf(rows)!;
    expect(h.all_healthy).toBe(false);
    expect(h.runner).toEqual({
      healthy: false,
      message: 'runner Unhealthy',
      unchanged_since: rows[1]!.recorded_at,
      checked_at: rows[3]!.recorded_at,
    });
    expect(h.api.unchanged_since).toBe(rows[0]!.recorded_at);
    expect(h.api.healthy).toBe(true);
  });
});
