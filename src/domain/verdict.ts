/**
 * What an event means for "is it healthy now". A healthy cluster records an event once per
 * healthy period, so an all-healthy latest event older than the stale limit (domain/staleness.ts)
 * means the recorder stopped and current health is unknown — Feldera's own server keeps answering
 * "all healthy" then.
 */
import { type ClusterEventStatus, type MonitorStatus, SERVICES } from '../api/types.js';

/** The one verdict vocabulary of every command: healthy, unhealthy, or stale (all healthy, but too old to trust). */
export type Verdict = 'healthy' | 'unhealthy' | 'stale';

/** Age of an event by the server's clock (falls back to `localNow` when the server sent no Date). */
export function eventAge(
  event: Pick<ClusterEventStatus, 'recorded_at'>,
  serverNow: number | undefined,
  localNow: number,
): number {
  return (serverNow ?? localNow) - Date.parse(event.recorded_at);
}

/** `all_healthy` as the statuses say it should be (the server's flag is shown as sent; a mismatch is worth a warning). */
export function computedAllHealthy(e: ClusterEventStatus): boolean {
  return SERVICES.every((s) => e[`${s}_status`] === 'Healthy');
}

/** Healthy by both the server's flag and its statuses (a disagreement counts as not healthy). */
export function isAllHealthy(e: ClusterEventStatus): boolean {
  return e.all_healthy && computedAllHealthy(e);
}

export function isStale(event: ClusterEventStatus, ageMs: number, staleAfterMs: number): boolean {
  return isAllHealthy(event) && ageMs > staleAfterMs;
}

/** The verdict of one shown event (a watch line, a list row): `stale` is decided by the caller, for the newest event only. */
export function eventVerdict(event: ClusterEventStatus, stale: boolean): Verdict {
  if (!isAllHealthy(event)) return 'unhealthy';
  return stale ? 'stale' : 'healthy';
}

const MONITOR_SEVERITY: Record<MonitorStatus, number> = { Healthy: 0, InitialUnhealthy: 1, Unhealthy: 2 };

/** Rank for "worst status": Healthy < InitialUnhealthy < Unhealthy. */
export function severity(status: MonitorStatus): number {
  return MONITOR_SEVERITY[status];
}
