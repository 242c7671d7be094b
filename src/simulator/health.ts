/**
 * The `/v0/cluster_healthz` body, worked out from the retained events as Feldera does.
 */
import type { HealthStatus, Service, ServiceHealth } from '../api/types.js';
import { allHealthy, type StoredEvent, selfKey, statusKey } from './event.js';

/** The health of the cluster as of the newest of `rows` (oldest first), or undefined when there are none. */
export function healthOf(rows: readonly StoredEvent[]): HealthStatus | undefined {
  const latest = rows[rows.length - 1];
  if (!latest) return undefined;
  const service = (s: Service) => serviceHealth(rows, latest, s);
  return {
    all_healthy: allHealthy(latest),
    api: service('api'),
    compiler: service('compiler'),
    runner: service('runner'),
  };
}

/**
 * `unchanged_since` is the oldest retained event of the unbroken run, ending at the latest, whose
 * status agrees on healthy or not (InitialUnhealthy counts as unhealthy).
 */
function serviceHealth(rows: readonly StoredEvent[], latest: StoredEvent, s: Service): ServiceHealth {
  const healthy = latest[statusKey(s)] === 'Healthy';
  let since = latest.recorded_at;
  for (let i = rows.length - 2; i >= 0; i--) {
    const e = rows[i]!;
    if ((e[statusKey(s)] === 'Healthy') !== healthy) break;
    since = e.recorded_at;
  }
  return { healthy, message: latest[selfKey(s)], unchanged_since: since, checked_at: latest.recorded_at };
}
