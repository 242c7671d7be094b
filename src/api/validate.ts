/**
 * The check of each answer the client reads, by the schemas of types.ts: types, required fields,
 * enum values, as the OpenAPI document states them. Unknown extra fields are ignored; values are
 * never rewritten, so `--json` prints what arrived. A broken answer throws a ShapeError saying
 * what is wrong where.
 */
import { array, isRecord, matches, object, parse, ShapeError, string } from './shape.js';
import {
  type AuthConfig,
  AuthConfigSchema,
  type ClusterEvent,
  ClusterEventSchema,
  type HealthBody,
  HealthStatusSchema,
  LegacyHealthStatusSchema,
  type PlatformConfig,
  PlatformConfigSchema,
  type SessionInfo,
  SessionInfoSchema,
} from './types.js';

export { ShapeError };

/** `ClusterMonitorEventSelectedInfo`. */
export function checkEvent(v: unknown): ClusterEvent {
  return parse(ClusterEventSchema, v, 'the event');
}

const EVENT_LIST = array(ClusterEventSchema, (_, i) => `event [${i}]`);

/** The event list: every event checked, the array itself returned (a list of 1000 is not copied). */
export function checkEventList(v: unknown): ClusterEvent[] {
  return parse(EVENT_LIST, v, 'the event list');
}

/**
 * `HealthStatus`, or the v0.121–v0.200 shape (`{runner, compiler}`, no `api`, no `all_healthy`;
 * see `LegacyHealthStatus`): an object with neither `all_healthy` nor `api` is checked as that.
 */
export function checkHealth(v: unknown): HealthBody {
  const legacy = isRecord(v) && v.all_healthy === undefined && v.api === undefined;
  return legacy
    ? parse(LegacyHealthStatusSchema, v, 'the health status')
    : parse(HealthStatusSchema, v, 'the health status');
}

/** `Configuration` (`GET /v0/config`): this tool needs `edition` and `version` as strings; the rest passes through. */
export function checkPlatformConfig(v: unknown): PlatformConfig {
  return parse(PlatformConfigSchema, v, 'the platform configuration');
}

/**
 * `SessionInfo` (`GET /v0/config/session`). Before Feldera v0.330.0 it had no `memberships` but
 * always named the tenant: an object with neither is not a session of any version.
 */
export function checkSession(v: unknown): SessionInfo {
  const session = parse(SessionInfoSchema, v, 'the session');
  if (session.memberships === undefined && session.tenant_id === undefined)
    throw new ShapeError('the session has no "memberships"');
  return session;
}

/** `GET /config/authentication`: `{}` (auth off) or an object naming one provider. */
export function checkAuthConfig(v: unknown): AuthConfig {
  return parse(AuthConfigSchema, v, 'the authentication configuration');
}

/** Feldera's `ErrorResponse`: what this tool reads of it (`details` may be missing, as on a 401). */
const ERROR_BODY = object({ message: string, error_code: string });

/** Feldera's `ErrorResponse` (details may be missing on 401). Returns undefined when the body is not one. */
export function asErrorBody(v: unknown): { message: string; error_code: string; details?: unknown } | undefined {
  return matches(ERROR_BODY, v) ? v : undefined;
}

/** The identity provider an authentication configuration names, or undefined when auth is off (`{}`). */
export function authProviderOf(config: AuthConfig): string | undefined {
  const keys = Object.keys(config);
  for (const known of ['GenericOidc', 'AwsCognito']) if (keys.includes(known)) return known;
  return keys[0];
}
