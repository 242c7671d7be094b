/**
 * What an event means for "is it healthy now". A healthy cluster records an event every 10
 * minutes, so an all-healthy latest event older than `staleAfter` means the recorder stopped
 * and current health is unknown — Feldera's own server keeps answering "all healthy" then.
 */
import { SERVICES, type ClusterEventStatus, type MonitorStatus } from '../api/types.js';
import type { Verdict } from '../render/style.js';

export const DEFAULT_STALE_AFTER_MS = 12 * 60_000;

/** Age of an event by the server's clock (falls back to `localNow` when the server sent no Date). */
export function eventAge(event: Pick<ClusterEventStatus, 'recorded_at'>, serverNow: number | undefined, localNow: number): number {
  return (serverNow ?? localNow) - Date.parse(event.recorded_at);
}

/** `all_healthy` as the statuses say it should be (the server's flag is shown as sent; a mismatch is worth a warning). */
export function computedAllHealthy(e: ClusterEventStatus): boolean {
  return SERVICES.every((s) => e[`${s}_status`] === 'Healthy');
}

export function isStale(event: ClusterEventStatus, ageMs: number, staleAfterMs: number): boolean {
  return event.all_healthy && ageMs > staleAfterMs;
}

export function verdictOf(event: ClusterEventStatus, ageMs: number | undefined, staleAfterMs: number): Verdict {
  if (!event.all_healthy) return 'unhealthy';
  if (ageMs !== undefined && isStale(event, ageMs, staleAfterMs)) return 'stale';
  return 'healthy';
}

/** Rank for "worst status": Healthy < InitialUnhealthy < Unhealthy. */
export function severity(status: MonitorStatus): number {
  return status === 'Healthy' ? 0 : status === 'InitialUnhealthy' ? 1 : 2;
}
