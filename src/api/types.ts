/**
 * Shapes of Feldera's cluster-monitor API (OpenAPI v0.337.0), as the server sends them: each type
 * is inferred from the schema that checks it (shape.ts; the checks of each answer are in
 * validate.ts), so what is checked is what the type says. Field names are the server's; nothing
 * here is renamed, so `--json` can print what arrived.
 */
import {
  anyObject,
  array,
  boolean,
  dateTime,
  type Infer,
  nullable,
  object,
  oneOf,
  optional,
  string,
  uuid,
} from './shape.js';

export const MONITOR_STATUSES = ['Healthy', 'Unhealthy', 'InitialUnhealthy'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

export const SERVICES = ['api', 'compiler', 'runner'] as const;
export type Service = (typeof SERVICES)[number];

export const SELECTORS = ['status', 'all'] as const;
export type Selector = (typeof SELECTORS)[number];

export const INFO_FIELDS = [
  'api_self_info',
  'api_resources_info',
  'compiler_self_info',
  'compiler_resources_info',
  'runner_self_info',
  'runner_resources_info',
] as const;

const monitorStatus = oneOf(MONITOR_STATUSES);
/** An info text: present with `selector=all` (nullable in the spec), absent with `selector=status`. */
const infoText = optional(nullable(string));

/** `ClusterMonitorEventSelectedInfo` with `selector=status`, and the items of the event list. */
export const ClusterEventStatusSchema = object({
  id: uuid,
  recorded_at: dateTime,
  all_healthy: boolean,
  api_status: monitorStatus,
  compiler_status: monitorStatus,
  runner_status: monitorStatus,
});
export type ClusterEventStatus = Infer<typeof ClusterEventStatusSchema>;

/** `ClusterMonitorEventSelectedInfo` with `selector=all`: the six info texts are present too. */
export const ClusterEventSchema = object({
  ...ClusterEventStatusSchema.fields,
  api_self_info: infoText,
  api_resources_info: infoText,
  compiler_self_info: infoText,
  compiler_resources_info: infoText,
  runner_self_info: infoText,
  runner_resources_info: infoText,
});
export type ClusterEventFull = Infer<typeof ClusterEventSchema>;
export type ClusterEvent = ClusterEventFull;

/** `ServiceStatus` inside `HealthStatus`. */
export const ServiceHealthSchema = object({
  healthy: boolean,
  message: string,
  unchanged_since: dateTime,
  checked_at: dateTime,
});
export type ServiceHealth = Infer<typeof ServiceHealthSchema>;

/** `HealthStatus`: the body of `GET /v0/cluster_healthz` (200 and 503 alike). */
export const HealthStatusSchema = object({
  all_healthy: boolean,
  api: ServiceHealthSchema,
  compiler: ServiceHealthSchema,
  runner: ServiceHealthSchema,
});
export type HealthStatus = Infer<typeof HealthStatusSchema>;

/**
 * `HealthStatus` as Feldera v0.121–v0.200 sent it: runner and compiler only, no `api`, no
 * `all_healthy` (`crates/pipeline-manager/src/cluster_health.rs`, added in 303d3b2bb, first
 * released in v0.121.0; replaced by the event-based answer in d0d788e11, first released in
 * v0.201.0). Its `checked_at` is the latest 10-second check, its `unchanged_since` the last change
 * of `healthy` or `message`, both kept in memory by the API server.
 */
export const LegacyHealthStatusSchema = object({
  runner: ServiceHealthSchema,
  compiler: ServiceHealthSchema,
});
export type LegacyHealthStatus = Infer<typeof LegacyHealthStatusSchema>;

/** What `/v0/cluster_healthz` answers: today's shape, or the v0.121–v0.200 one. */
export type HealthBody = HealthStatus | LegacyHealthStatus;

export function isLegacyHealth(h: HealthBody): h is LegacyHealthStatus {
  return !('all_healthy' in h);
}

/** `Configuration` (`GET /v0/config`): the fields this tool reads; the rest pass through untouched. */
export const PlatformConfigSchema = object({
  edition: string,
  version: string,
  revision: optional(string),
});
export type PlatformConfig = Infer<typeof PlatformConfigSchema>;

export const ROLES = ['read', 'write', 'admin', 'owner'] as const;

/**
 * `SessionInfo` (`GET /v0/config/session`). Feldera before v0.330.0 (commit de5df4c8d) answered
 * only `{tenant_id, tenant_name}`: no `memberships`.
 */
export const SessionInfoSchema = object({
  memberships: optional(
    array(object({ tenant_id: string, name: string, role: string }), (_, i) => `the session.memberships[${i}]`),
  ),
  tenant_id: optional(nullable(string)),
  tenant_name: optional(nullable(string)),
  role: optional(nullable(oneOf(ROLES))),
});
export type SessionInfo = Infer<typeof SessionInfoSchema>;

/**
 * `GET /config/authentication`: `{}` when auth is off, else the provider (`AwsCognito` or
 * `GenericOidc`, its settings not looked at: this tool needs only which one it is).
 */
export const AuthConfigSchema = object({
  AwsCognito: optional(anyObject),
  GenericOidc: optional(anyObject),
});
export type AuthConfig = Infer<typeof AuthConfigSchema>;
