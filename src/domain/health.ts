/**
 * "Is it healthy now" from `/v0/cluster_healthz`: the answer in either of the shapes Feldera has
 * sent, each service's status beside it, and how far each `unchanged_since` can be believed — made
 * into a `Check` that domain/verdict.ts judges like any other.
 *
 * - Feldera v0.121–v0.200 answered `{runner, compiler}` only (see `LegacyHealthStatus`). The API
 *   server is then taken as healthy: it answered. `all_healthy` is compiler and runner healthy.
 * - From v0.201 the answer is made from the newest cluster monitor event. Until Feldera commit
 *   83023b83e (first released in v0.336.0) each `unchanged_since` was simply that event's
 *   `recorded_at`, equal to `checked_at`; since then it is the oldest retained event of the
 *   unbroken run, and equal to `checked_at` exactly when the service changed at the latest event
 *   (or only one event is retained). So an `unchanged_since` equal to `checked_at` is believed on
 *   v0.336 and newer and unknown on older servers; one that differs proves a v0.336+ server.
 * - `/v0/cluster_healthz` says only whether a service is healthy. Whether one that is not is still
 *   starting (`InitialUnhealthy`) or failing (`Unhealthy`) comes from the latest event, when it is
 *   the event the answer was made from (the same instant as `checked_at`, and the same healthy
 *   conclusion per service); otherwise a service that is not healthy counts as `Unhealthy`.
 */
import {
  type ClusterEventStatus,
  type HealthBody,
  type HealthStatus,
  isLegacyHealth,
  type MonitorStatus,
  SERVICES,
  type Service,
  type ServiceHealth,
} from '../api/types.js';
import { timeKey } from './order.js';
import type { Check } from './verdict.js';

export const LEGACY_API_MESSAGE =
  'answered this request (Feldera before v0.201 does not report the API server in /v0/cluster_healthz)';

/** The answer in today's shape, for verdicts and tables; `legacy` when the server sent the v0.121–v0.200 one. */
export function normalizeHealth(body: HealthBody): { health: HealthStatus; legacy: boolean } {
  if (!isLegacyHealth(body)) return { health: body, legacy: false };
  const { compiler, runner } = body;
  const newest = timeKey(compiler.checked_at) >= timeKey(runner.checked_at) ? compiler.checked_at : runner.checked_at;
  const api: ServiceHealth = {
    healthy: true,
    message: LEGACY_API_MESSAGE,
    unchanged_since: newest,
    checked_at: newest,
  };
  return { health: { all_healthy: compiler.healthy && runner.healthy, api, compiler, runner }, legacy: true };
}

/** The newest `checked_at` of the answer (ms): the check the answer reports. */
export function newestCheck(h: HealthStatus): number {
  return SERVICES.map((s) => Date.parse(h[s].checked_at)).reduce((a, b) => Math.max(a, b));
}

/** The server's text of the newest `checked_at` (all three are the same event's in practice). */
export function newestCheckText(h: HealthStatus): string {
  const at = newestCheck(h);
  return SERVICES.map((x) => h[x].checked_at).find((t) => Date.parse(t) === at) ?? h.api.checked_at;
}

/**
 * The answer itself proves a server of v0.336 or newer: some service's `unchanged_since` differs
 * from its `checked_at`, which older servers never sent.
 */
export function provesHistorySince(h: HealthStatus, legacy: boolean): boolean {
  return !legacy && SERVICES.some((s) => timeKey(h[s].unchanged_since) !== timeKey(h[s].checked_at));
}

/**
 * Since when a service has been as it is (ms), or undefined when that is unknown: the API server
 * of a legacy answer (never reported); in today's shape, an `unchanged_since` equal to
 * `checked_at` unless the server is known to make it from the event history (`historySince`: v0.336+).
 * A legacy `unchanged_since` is the server's own record: kept.
 */
export function unchangedSince(
  h: HealthStatus,
  service: Service,
  legacy: boolean,
  historySince: boolean | undefined,
): number | undefined {
  const x = h[service];
  if (legacy) return service === 'api' ? undefined : Date.parse(x.unchanged_since);
  if (timeKey(x.unchanged_since) === timeKey(x.checked_at) && historySince !== true) return undefined;
  return Date.parse(x.unchanged_since);
}

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

/** Each service's status: from the latest event when it is the one the answer was made from, else inferred. */
export function serviceStatuses(h: HealthStatus, latest?: ClusterEventStatus): StatusesOf {
  const exact = latest !== undefined && sameCheck(h, latest);
  const statuses = {} as ServiceStatuses;
  for (const s of SERVICES) {
    if (exact) statuses[s] = latest[`${s}_status`];
    else statuses[s] = h[s].healthy ? 'Healthy' : 'Unhealthy';
  }
  return { statuses, exact };
}

/** What a health answer says, as a check to judge (domain/verdict.ts). */
export function healthCheck(
  h: HealthStatus,
  opts: { legacy: boolean; statuses: StatusesOf; historySince: boolean | undefined },
): Check {
  const since: Partial<Record<Service, number | undefined>> = {};
  const exact: Partial<Record<Service, boolean>> = {};
  for (const s of SERVICES) {
    since[s] = unchangedSince(h, s, opts.legacy, opts.historySince);
    exact[s] = opts.statuses.exact || h[s].healthy;
  }
  return { statuses: opts.statuses.statuses, exact, allHealthy: h.all_healthy, checkedAt: newestCheck(h), since };
}
