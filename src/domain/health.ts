/**
 * "Is it healthy now": the verdict from `/v0/cluster_healthz`, in either of the shapes Feldera
 * has sent, and how far each service's `unchanged_since` can be believed.
 *
 * - Feldera v0.121–v0.200 answered `{runner, compiler}` only (see `LegacyHealthStatus`). The API
 *   server is then taken as healthy: it answered. `all_healthy` is compiler and runner healthy.
 * - From v0.201 the answer is made from the newest cluster monitor event. Until Feldera commit
 *   83023b83e (Aug 2026, first released in v0.336.0) each `unchanged_since` was simply that
 *   event's `recorded_at`, equal to `checked_at`; since then it is the oldest retained event of
 *   the unbroken run. So an `unchanged_since` equal to `checked_at` says nothing on its own: it is
 *   shown as unknown (the history would have to confirm it, and `status` reads no history).
 */
import {
  type HealthBody,
  type HealthStatus,
  isLegacyHealth,
  SERVICES,
  type Service,
  type ServiceHealth,
} from '../api/types.js';
import { EXIT } from '../errors.js';
import { timeKey } from './order.js';
import type { Verdict } from './verdict.js';

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

/**
 * Since when a service has been as it is (ms), or undefined when that is unknown: the API server
 * of a legacy answer (never reported), and an `unchanged_since` equal to `checked_at` in today's
 * shape (see the module comment). A legacy `unchanged_since` is the server's own record: kept.
 */
export function unchangedSince(h: HealthStatus, service: Service, legacy: boolean): number | undefined {
  const x = h[service];
  if (legacy) return service === 'api' ? undefined : Date.parse(x.unchanged_since);
  if (timeKey(x.unchanged_since) === timeKey(x.checked_at)) return undefined;
  return Date.parse(x.unchanged_since);
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
  let verdict: Verdict = 'unhealthy';
  if (allHealthy) verdict = ageMs > staleAfterMs ? 'stale' : 'healthy';
  return { verdict, checkedAt, ageMs, unhealthy, exitCode: verdictExit(verdict) };
}

export function verdictExit(v: Verdict): number {
  const codes: Record<Verdict, number> = { healthy: EXIT.OK, stale: EXIT.STALE, unhealthy: EXIT.UNHEALTHY };
  return codes[v];
}
