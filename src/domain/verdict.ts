/**
 * What an event means for "is it healthy now". A healthy cluster records an event every 10
 * minutes, so an all-healthy latest event older than `staleAfter` means the recorder stopped
 * and current health is unknown — Feldera's own server keeps answering "all healthy" then.
 */
import { SERVICES, type ClusterEventStatus, type MonitorStatus } from '../api/types.js';
import { parseDurationFlag } from '../util/when.js';

/** The one verdict vocabulary of every command: healthy, unhealthy, or stale (all healthy, but too old to trust). */
export type Verdict = 'healthy' | 'unhealthy' | 'stale';

export const DEFAULT_STALE_AFTER_MS = 12 * 60_000;

/** `--stale-after` of every command (default 12m, at least 1s); a bad value is a usage error. */
export function parseStaleAfter(value: unknown): number {
  return value === undefined ? DEFAULT_STALE_AFTER_MS : parseDurationFlag(String(value), '--stale-after', 1000);
}

/** Age of an event by the server's clock (falls back to `localNow` when the server sent no Date). */
export function eventAge(event: Pick<ClusterEventStatus, 'recorded_at'>, serverNow: number | undefined, localNow: number): number {
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
  return event.all_healthy && ageMs > staleAfterMs;
}

/** Rank for "worst status": Healthy < InitialUnhealthy < Unhealthy. */
export function severity(status: MonitorStatus): number {
  return status === 'Healthy' ? 0 : status === 'InitialUnhealthy' ? 1 : 2;
}
