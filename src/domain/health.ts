/**
 * "Is it healthy now": the verdict from a `HealthStatus`, and the `HealthStatus` itself computed
 * from the events for servers that have no `/v0/cluster_healthz` (they answer 404).
 *
 * The computation follows the server's own rule (OpenAPI `ServiceStatus`):
 * - `healthy`: the latest event's status of the service is `Healthy`;
 * - `message`: the latest event's self info of the service;
 * - `unchanged_since`: the `recorded_at` of the oldest retained consecutive event with the same
 *   healthy conclusion (walking back from the latest; `Unhealthy` and `InitialUnhealthy` are
 *   the same conclusion), so bounded by retention;
 * - `checked_at`: the latest event's `recorded_at`;
 * - `all_healthy`: the latest event's `all_healthy`.
 */
import { SERVICES, type ClusterEventFull, type ClusterEventStatus, type HealthStatus, type ServiceHealth } from '../api/types.js';
import { EXIT } from '../errors.js';
import type { Verdict } from './verdict.js';
import { newestFirst, timeOf } from './history.js';

export function computeHealthStatus(latest: ClusterEventFull, list: readonly ClusterEventStatus[]): HealthStatus {
  // The list and `latest` were fetched one after the other: an event may have been recorded in
  // between. Walk back from `latest` itself through the list's events that are older than it.
  const sorted = newestFirst(list);
  const latestAt = timeOf(latest);
  const at = sorted.findIndex((e) => e.id === latest.id);
  const older =
    at >= 0
      ? sorted.slice(at + 1)
      : sorted.filter((e) => {
          const t = timeOf(e);
          return t < latestAt || (t === latestAt && e.recorded_at < latest.recorded_at);
        });
  const chain: ClusterEventStatus[] = [latest, ...older];
  const service = (s: (typeof SERVICES)[number]): ServiceHealth => {
    const healthy = latest[`${s}_status`] === 'Healthy';
    let since = latest.recorded_at;
    for (const e of chain) {
      if ((e[`${s}_status`] === 'Healthy') !== healthy) break;
      since = e.recorded_at;
    }
    return { healthy, message: latest[`${s}_self_info`] ?? '', unchanged_since: since, checked_at: latest.recorded_at };
  };
  return { all_healthy: latest.all_healthy, api: service('api'), compiler: service('compiler'), runner: service('runner') };
}

export interface HealthVerdict {
  verdict: Verdict;
  /** The newest `checked_at`, in ms. */
  checkedAt: number;
  /** Age of the latest check by the server's clock (or ours when it sent no Date). */
  ageMs: number;
  /** The services that are not healthy. */
  unhealthy: (typeof SERVICES)[number][];
  exitCode: number;
}

/** Healthy, unhealthy, or stale (all healthy but the latest check is older than `staleAfterMs`). */
export function healthVerdict(h: HealthStatus, now: number, staleAfterMs: number): HealthVerdict {
  const checkedAt = Math.max(...SERVICES.map((s) => Date.parse(h[s].checked_at)));
  const ageMs = now - checkedAt;
  const unhealthy = SERVICES.filter((s) => !h[s].healthy);
  const allHealthy = h.all_healthy && unhealthy.length === 0;
  const verdict: Verdict = !allHealthy ? 'unhealthy' : ageMs > staleAfterMs ? 'stale' : 'healthy';
  return { verdict, checkedAt, ageMs, unhealthy, exitCode: verdictExit(verdict) };
}

export function verdictExit(v: Verdict): number {
  return v === 'healthy' ? EXIT.OK : v === 'stale' ? EXIT.STALE : EXIT.UNHEALTHY;
}
