/**
 * Shapes of Feldera's cluster-monitor API (OpenAPI v0.337.0), as the server sends them.
 * Field names are the server's; nothing here is renamed, so `--json` can print what arrived.
 */

export const MONITOR_STATUSES = ['Healthy', 'Unhealthy', 'InitialUnhealthy'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

export const SERVICES = ['api', 'compiler', 'runner'] as const;
export type Service = (typeof SERVICES)[number];

export const SELECTORS = ['status', 'all'] as const;
export type Selector = (typeof SELECTORS)[number];

/** `ClusterMonitorEventSelectedInfo` with `selector=status`, and the items of the event list. */
export interface ClusterEventStatus {
  id: string;
  recorded_at: string;
  all_healthy: boolean;
  api_status: MonitorStatus;
  compiler_status: MonitorStatus;
  runner_status: MonitorStatus;
}

/** `ClusterMonitorEventSelectedInfo` with `selector=all`: the six info texts are present (nullable in the spec). */
export interface ClusterEventFull extends ClusterEventStatus {
  api_self_info?: string | null;
  api_resources_info?: string | null;
  compiler_self_info?: string | null;
  compiler_resources_info?: string | null;
  runner_self_info?: string | null;
  runner_resources_info?: string | null;
}

export type ClusterEvent = ClusterEventFull;

export const INFO_FIELDS = [
  'api_self_info',
  'api_resources_info',
  'compiler_self_info',
  'compiler_resources_info',
  'runner_self_info',
  'runner_resources_info',
] as const;
/** `ServiceStatus` inside `HealthStatus`. */
export interface ServiceHealth {
  healthy: boolean;
  message: string;
  unchanged_since: string;
  checked_at: string;
}

/** `HealthStatus`: the body of `GET /v0/cluster_healthz` (200 and 503 alike). */
export interface HealthStatus {
  all_healthy: boolean;
  api: ServiceHealth;
  compiler: ServiceHealth;
  runner: ServiceHealth;
}

/**
 * `HealthStatus` as Feldera v0.121–v0.200 sent it: compiler and runner only, no `api`, no
 * `all_healthy` (`crates/pipeline-manager/src/cluster_health.rs`, added in 303d3b2bb, first
 * released in v0.121.0; replaced by the event-based answer in d0d788e11, first released in
 * v0.201.0). Its `checked_at` is the latest 10-second check, its `unchanged_since` the last change
 * of `healthy` or `message`, both kept in memory by the API server.
 */
export interface LegacyHealthStatus {
  runner: ServiceHealth;
  compiler: ServiceHealth;
}

/** What `/v0/cluster_healthz` answers: today's shape, or the v0.121–v0.200 one. */
export type HealthBody = HealthStatus | LegacyHealthStatus;

export function isLegacyHealth(h: HealthBody): h is LegacyHealthStatus {
  return !('all_healthy' in h);
}

/** The fields of `Configuration` (`GET /v0/config`) this tool reads; the rest pass through untouched. */
export interface PlatformConfig {
  edition: string;
  version: string;
  revision: string;
  [key: string]: unknown;
}

/** `SessionInfo` (`GET /v0/config/session`). */
export interface SessionInfo {
  tenant_id?: string | null;
  tenant_name?: string | null;
  role?: string | null;
  memberships: { tenant_id: string; name: string; role: string }[];
}

/** `GET /config/authentication`: `{}` when auth is off, else one provider. */
export type AuthConfig =
  | Record<string, never>
  | { AwsCognito: { issuer: string; login_url: string; logout_url: string } }
  | { GenericOidc: { issuer: string; client_id: string; extra_oidc_scopes: string[] } };
