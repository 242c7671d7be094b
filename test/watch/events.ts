/** Events for the unit tests of the engine's pure parts: ids of version 7 that carry their time. */
import type { ClusterEvent, ClusterEventStatus } from '../../src/api/types.js';

export const BASE = Date.parse('2025-12-08T12:00:00Z');

/** Event `n`, recorded `atS` seconds after BASE (microseconds as the server writes them), all healthy unless `s` says otherwise. */
export function ev(n: number, atS: number, s: Partial<ClusterEventStatus> = {}): ClusterEvent {
  const ms = BASE + atS * 1000;
  const hex = ms.toString(16).padStart(12, '0');
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-${String(n).padStart(12, '0')}`,
    recorded_at: new Date(ms).toISOString().replace('Z', '000Z'),
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
    ...s,
  };
}

/** Event `n` with the runner down. */
export function down(n: number, atS: number): ClusterEvent {
  return ev(n, atS, { all_healthy: false, runner_status: 'Unhealthy' });
}

export const ids = (list: readonly Pick<ClusterEventStatus, 'id'>[]): string[] => list.map((e) => e.id);
