/**
 * Each service's `MonitorStatus` beside a `HealthStatus`. `/v0/cluster_healthz` says only whether
 * a service is healthy; whether a service that is not is still starting (`InitialUnhealthy`) or
 * failing after having been healthy (`Unhealthy`) is said by the events alone. The latest event
 * gives it when it is the event the HealthStatus was made from (the same instant as `checked_at`,
 * and the same healthy conclusion per service). Otherwise — an event recorded between the two
 * requests, or no event read — a service that is not healthy counts as `Unhealthy`, the more
 * serious of the two, and `exact` is false.
 */
import {
  type ClusterEventStatus,
  type HealthStatus,
  type MonitorStatus,
  SERVICES,
  type Service,
} from '../api/types.js';
import { timeKey } from './order.js';

export type ServiceStatuses = Record<Service, MonitorStatus>;

export interface StatusesOf {
  statuses: ServiceStatuses;
  /** Read from the event the HealthStatus was made from (not inferred from `healthy`). */
  exact: boolean;
}

function sameCheck(h: HealthStatus, e: ClusterEventStatus): boolean {
  const at = timeKey(e.recorded_at);
  return SERVICES.every((s) => timeKey(h[s].checked_at) === at && (e[`${s}_status`] === 'Healthy') === h[s].healthy);
}

export function serviceStatuses(h: HealthStatus, latest?: ClusterEventStatus): StatusesOf {
  const exact = latest !== undefined && sameCheck(h, latest);
  const statuses = {} as ServiceStatuses;
  for (const s of SERVICES) {
    if (exact) statuses[s] = latest[`${s}_status`];
    else statuses[s] = h[s].healthy ? 'Healthy' : 'Unhealthy';
  }
  return { statuses, exact };
}
