/**
 * What the newest event says about now: whether it is stale (the recorder stopped, so "all
 * healthy" can no longer be trusted), said once and again once events resume, and whether the
 * `--until` condition is met. Pure: the loop keeps a `Staleness` and gives the notices returned.
 */
import type { ClusterEventStatus } from '../api/types.js';
import { changesBetween } from '../domain/order.js';
import { judgeClock } from '../domain/staleness.js';
import { eventAge, isAllHealthy, isStale } from '../domain/verdict.js';
import type { UntilCondition, WatchNotice } from './types.js';

export interface Staleness {
  /** The newest event is stale as of the last poll. */
  now: boolean;
  /** The stale notice was given, and no event came since. */
  said: boolean;
}

export interface StaleVerdict {
  stale: boolean;
  ageMs: number;
}

export interface Said {
  staleness: Staleness;
  notice: WatchNotice | undefined;
}

export const initialStaleness: Staleness = { now: false, said: false };

/** The newest event's age by the server's clock (the local one when the answer had no Date). */
export function judgeStaleness(
  newest: ClusterEventStatus,
  serverDate: number | undefined,
  localNow: number,
  staleAfterMs: number,
  trustServerClock = false,
): StaleVerdict {
  // The server's clock when it is believed (domain/staleness.ts judgeClock), else the local one.
  const ageMs = eventAge(newest, judgeClock(serverDate, localNow, trustServerClock).now, localNow);
  return { stale: isStale(newest, ageMs, staleAfterMs), ageMs };
}

/** The verdict of a poll: said once, when the newest event first turns stale. */
export function staleAfterPoll(s: Staleness, v: StaleVerdict, newest: ClusterEventStatus, staleAfterMs: number): Said {
  if (!v.stale || s.said) return { staleness: { ...s, now: v.stale }, notice: undefined };
  return {
    staleness: { now: true, said: true },
    notice: { kind: 'stale', recordedAt: newest.recorded_at, eventId: newest.id, ageMs: v.ageMs, staleAfterMs },
  };
}

/** Live events came after the stale notice: say how long the recorder was silent (since `previous`). */
export function resumed(
  s: Staleness,
  first: ClusterEventStatus | undefined,
  previous: ClusterEventStatus | undefined,
): Said {
  if (!s.said || !first) return { staleness: s, notice: undefined };
  const silentMs = previous ? Date.parse(first.recorded_at) - Date.parse(previous.recorded_at) : 0;
  return { staleness: { ...s, said: false }, notice: { kind: 'resumed', silentMs } };
}

/**
 * `healthy` and `unhealthy` as a state of the newest event: met at once when it already holds.
 * Stale data never counts as healthy; `change` is never a state.
 */
export function untilHolds(cond: UntilCondition, newest: ClusterEventStatus, stale: boolean): boolean {
  if (cond === 'healthy') return isAllHealthy(newest) && !stale;
  if (cond === 'unhealthy') return !isAllHealthy(newest);
  return false;
}

/** An event seen live meets `unhealthy` by being unhealthy, `change` by a status change against the one before. */
export function untilMetBy(cond: UntilCondition, prev: ClusterEventStatus | undefined, e: ClusterEventStatus): boolean {
  if (cond === 'unhealthy') return !isAllHealthy(e);
  if (cond === 'change') return prev !== undefined && changesBetween(prev, e).length > 0;
  return false;
}
