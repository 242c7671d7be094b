/**
 * A row of `cluster_monitor_event` and how the API serializes it.
 */
import type { ClusterEventFull, ClusterEventStatus, MonitorStatus, Selector, Service } from '../api/types.js';

/** A row of `cluster_monitor_event`, plus the monitor round that wrote it (not served). */
export interface StoredEvent {
  id: string;
  /** Epoch microseconds. */
  recordedAtUs: number;
  recorded_at: string;
  api_status: MonitorStatus;
  api_self_info: string;
  api_resources_info: string;
  compiler_status: MonitorStatus;
  compiler_self_info: string;
  compiler_resources_info: string;
  runner_status: MonitorStatus;
  runner_self_info: string;
  runner_resources_info: string;
  /** Index of the monitor round (counted from the monitor start, across restarts). */
  round: number;
}

export const statusKey = (s: Service) => `${s}_status` as const;
export const selfKey = (s: Service) => `${s}_self_info` as const;

export const allHealthy = (e: Pick<StoredEvent, 'api_status' | 'compiler_status' | 'runner_status'>): boolean =>
  e.api_status === 'Healthy' && e.compiler_status === 'Healthy' && e.runner_status === 'Healthy';

/** `poll_success_to_status`: InitialUnhealthy is left only by a passing check. */
export function nextStatus(previous: MonitorStatus | undefined, success: boolean): MonitorStatus {
  if (previous === undefined) return success ? 'Healthy' : 'InitialUnhealthy';
  if (previous === 'InitialUnhealthy' && !success) return 'InitialUnhealthy';
  return success ? 'Healthy' : 'Unhealthy';
}

/** The event as the API serializes it, in Feldera's field order; `status` leaves the infos out. */
export function selectEvent(e: StoredEvent, selector: 'status'): ClusterEventStatus;
export function selectEvent(e: StoredEvent, selector: Selector): ClusterEventFull;
export function selectEvent(e: StoredEvent, selector: Selector): ClusterEventFull {
  if (selector === 'status') {
    return {
      id: e.id,
      recorded_at: e.recorded_at,
      all_healthy: allHealthy(e),
      api_status: e.api_status,
      compiler_status: e.compiler_status,
      runner_status: e.runner_status,
    };
  }
  return {
    id: e.id,
    recorded_at: e.recorded_at,
    all_healthy: allHealthy(e),
    api_status: e.api_status,
    api_self_info: e.api_self_info,
    api_resources_info: e.api_resources_info,
    compiler_status: e.compiler_status,
    compiler_self_info: e.compiler_self_info,
    compiler_resources_info: e.compiler_resources_info,
    runner_status: e.runner_status,
    runner_self_info: e.runner_self_info,
    runner_resources_info: e.runner_resources_info,
  };
}
