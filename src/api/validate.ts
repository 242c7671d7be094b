/**
 * Shape checks for what the server sends, as the OpenAPI document states them: types, required
 * fields, enum values. Unknown extra fields are ignored; values are never rewritten, so `--json`
 * prints what arrived. Hand-written (no schema library) to keep start-up lean.
 */
import {
  type AuthConfig,
  type ClusterEvent,
  type HealthBody,
  INFO_FIELDS,
  MONITOR_STATUSES,
  type PlatformConfig,
  SERVICES,
  type SessionInfo,
} from './types.js';

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string` : `"${v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ShapeError(`${where} is ${describe(v)}, expected an object`);
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (v === undefined) throw new ShapeError(`${where} has no "${key}"`);
  if (typeof v !== 'string') throw new ShapeError(`${where}."${key}" is ${describe(v)}, expected a string`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, where: string): boolean {
  const v = o[key];
  if (v === undefined) throw new ShapeError(`${where} has no "${key}"`);
  if (typeof v !== 'boolean') throw new ShapeError(`${where}."${key}" is ${describe(v)}, expected true or false`);
  return v;
}

function dateTime(o: Record<string, unknown>, key: string, where: string): string {
  const v = str(o, key, where);
  if (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v)))
    throw new ShapeError(`${where}."${key}" is "${v.slice(0, 40)}", expected an RFC 3339 date-time`);
  return v;
}

function status(o: Record<string, unknown>, key: string, where: string): void {
  const v = o[key];
  if (v === undefined) throw new ShapeError(`${where} has no "${key}"`);
  if (!(MONITOR_STATUSES as readonly unknown[]).includes(v)) {
    throw new ShapeError(`${where}."${key}" is ${describe(v)}, expected one of ${MONITOR_STATUSES.join(', ')}`);
  }
}

/** `ClusterMonitorEventSelectedInfo`. */
export function checkEvent(v: unknown, where = 'the event'): ClusterEvent {
  const o = obj(v, where);
  const id = str(o, 'id', where);
  if (!UUID.test(id)) throw new ShapeError(`${where}."id" is "${id.slice(0, 40)}", expected a UUID`);
  dateTime(o, 'recorded_at', where);
  bool(o, 'all_healthy', where);
  status(o, 'api_status', where);
  status(o, 'compiler_status', where);
  status(o, 'runner_status', where);
  for (const k of INFO_FIELDS) {
    const val = o[k];
    if (val !== undefined && val !== null && typeof val !== 'string')
      throw new ShapeError(`${where}."${k}" is ${describe(val)}, expected a string or null`);
  }
  return o as unknown as ClusterEvent;
}

export function checkEventList(v: unknown): ClusterEvent[] {
  if (!Array.isArray(v)) throw new ShapeError(`the event list is ${describe(v)}, expected an array`);
  v.forEach((e, i) => checkEvent(e, `event [${i}]`));
  return v as ClusterEvent[];
}

/**
 * `HealthStatus`, or the v0.121–v0.200 shape (`{runner, compiler}`, no `api`, no `all_healthy`;
 * see `LegacyHealthStatus`): an object with neither `all_healthy` nor `api` is checked as that.
 */
export function checkHealth(v: unknown): HealthBody {
  const o = obj(v, 'the health status');
  const legacy = o.all_healthy === undefined && o.api === undefined;
  if (!legacy) bool(o, 'all_healthy', 'the health status');
  for (const svc of legacy ? LEGACY_SERVICES : SERVICES) {
    const where = `the health status."${svc}"`;
    if (o[svc] === undefined) throw new ShapeError(`the health status has no "${svc}"`);
    const s = obj(o[svc], where);
    bool(s, 'healthy', where);
    str(s, 'message', where);
    dateTime(s, 'unchanged_since', where);
    dateTime(s, 'checked_at', where);
  }
  return o as unknown as HealthBody;
}

const LEGACY_SERVICES = ['runner', 'compiler'] as const;

/** Feldera's `ErrorResponse` (details may be missing on 401). Returns undefined when the body is not one. */
export function asErrorBody(v: unknown): { message: string; error_code: string; details?: unknown } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.message !== 'string' || typeof o.error_code !== 'string') return undefined;
  return o as { message: string; error_code: string; details?: unknown };
}

/** `Configuration` (`GET /v0/config`): this tool needs `edition` and `version` as strings; the rest passes through. */
export function checkPlatformConfig(v: unknown): PlatformConfig {
  const where = 'the platform configuration';
  const o = obj(v, where);
  str(o, 'edition', where);
  str(o, 'version', where);
  if (o.revision !== undefined && typeof o.revision !== 'string')
    throw new ShapeError(`${where}."revision" is ${describe(o.revision)}, expected a string`);
  return o as PlatformConfig;
}

const ROLES = ['read', 'write', 'admin', 'owner'];

/** `SessionInfo` (`GET /v0/config/session`). */
export function checkSession(v: unknown): SessionInfo {
  const where = 'the session';
  const o = obj(v, where);
  if (!Array.isArray(o.memberships)) {
    throw new ShapeError(
      o.memberships === undefined
        ? `${where} has no "memberships"`
        : `${where}."memberships" is ${describe(o.memberships)}, expected an array`,
    );
  }
  o.memberships.forEach((m, i) => {
    const w = `${where}.memberships[${i}]`;
    const mo = obj(m, w);
    str(mo, 'tenant_id', w);
    str(mo, 'name', w);
    str(mo, 'role', w);
  });
  for (const key of ['tenant_id', 'tenant_name'] as const) {
    if (o[key] !== undefined && o[key] !== null && typeof o[key] !== 'string')
      throw new ShapeError(`${where}."${key}" is ${describe(o[key])}, expected a string or null`);
  }
  if (o.role !== undefined && o.role !== null && !ROLES.includes(o.role as string)) {
    throw new ShapeError(`${where}."role" is ${describe(o.role)}, expected one of ${ROLES.join(', ')} or null`);
  }
  return o as unknown as SessionInfo;
}

/** `GET /config/authentication`: `{}` (auth off) or an object naming one provider. */
export function checkAuthConfig(v: unknown): AuthConfig {
  const where = 'the authentication configuration';
  const o = obj(v, where);
  for (const key of ['AwsCognito', 'GenericOidc']) {
    if (o[key] !== undefined) obj(o[key], `${where}."${key}"`);
  }
  return o as AuthConfig;
}

/** The identity provider an authentication configuration names, or undefined when auth is off (`{}`). */
export function authProviderOf(config: AuthConfig): string | undefined {
  const keys = Object.keys(config);
  if (keys.length === 0) return undefined;
  return keys.includes('GenericOidc') ? 'GenericOidc' : keys.includes('AwsCognito') ? 'AwsCognito' : keys[0];
}
