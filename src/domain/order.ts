/**
 * The server's order of events: `recorded_at` (to the microsecond), then `id`, and what follows
 * from the monitor's cadence (at most one event per 10-second round). The only definition of event
 * order: the watch engine's gap-free cursor and the history maths (list, incidents, timeline) use it.
 */
import { type ClusterEventStatus, type MonitorStatus, SERVICES, type Service } from '../api/types.js';

/** The monitor runs one round every 10 s and records at most one event per round. */
export const MONITOR_ROUND_MS = 10_000;

/**
 * `recorded_at` as microseconds since the epoch (the server's precision; `Date.parse` would keep
 * milliseconds only and could put two events of the same millisecond in the wrong order).
 */
export function timeKey(recordedAt: string): number {
  const m = /^(.*?[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(recordedAt);
  if (!m) return Date.parse(recordedAt) * 1000;
  const ms = Date.parse(m[1]! + (m[3] ?? ''));
  const micros = m[2] ? Number(m[2].padEnd(6, '0').slice(0, 6)) : 0;
  return ms * 1000 + micros;
}

export interface EventKey {
  time: number;
  id: string;
}

export function keyOf(e: Pick<ClusterEventStatus, 'id' | 'recorded_at'>): EventKey {
  return { time: timeKey(e.recorded_at), id: e.id.toLowerCase() };
}

/** Negative when `a` was recorded before `b` (server order: `recorded_at`, then `id`). */
export function compareKeys(a: EventKey, b: EventKey): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** Oldest first, whatever order the server sent (it sends newest first). */
export function oldestFirst<T extends Pick<ClusterEventStatus, 'id' | 'recorded_at'>>(list: readonly T[]): T[] {
  return list
    .map((e) => ({ e, k: keyOf(e) }))
    .sort((a, b) => compareKeys(a.k, b.k))
    .map((x) => x.e);
}

/** Newest first (the server's order for the list). */
export function newestFirst<T extends Pick<ClusterEventStatus, 'id' | 'recorded_at'>>(list: readonly T[]): T[] {
  return oldestFirst(list).reverse();
}

export interface NewEvents<T> {
  /** Events after the cursor, oldest first. */
  events: T[];
  /** The cursor event is no longer in the list although newer ones are: retention deleted it. */
  cursorDeleted: boolean;
  /** The oldest retained event (for the "may have been lost" bound). */
  oldestRetained: T | undefined;
}

/**
 * The events of `list` recorded after `cursor`, oldest first, each once. When the cursor event is
 * still in the list this is exactly what follows it; when retention has deleted it, everything
 * newer that is still there.
 */
export function eventsAfter<T extends Pick<ClusterEventStatus, 'id' | 'recorded_at'>>(
  list: readonly T[],
  cursor: EventKey,
): NewEvents<T> {
  const sorted = oldestFirst(list);
  const seen = new Set<string>();
  const events: T[] = [];
  let found = false;
  for (const e of sorted) {
    const k = keyOf(e);
    if (k.id === cursor.id) found = true;
    if (compareKeys(k, cursor) <= 0 || k.id === cursor.id || seen.has(k.id)) continue;
    seen.add(k.id);
    events.push(e);
  }
  const oldest = sorted[0];
  // Deleted = not there, and the list starts after it (if older events remain, it was not retention).
  const cursorDeleted = !found && oldest !== undefined && compareKeys(keyOf(oldest), cursor) > 0;
  return { events, cursorDeleted, oldestRetained: oldest };
}

/**
 * At most how many events can have been recorded strictly between two events, given that the
 * monitor records at most one per 10-second round.
 */
export function maxEventsBetween(olderUs: number, newerUs: number): number {
  const gap = newerUs - olderUs;
  if (gap <= 0) return 0;
  return Math.max(0, Math.ceil(gap / (MONITOR_ROUND_MS * 1000)) - 1);
}

export interface StatusChange {
  service: Service;
  from: MonitorStatus;
  to: MonitorStatus;
}

export function changesBetween(prev: ClusterEventStatus | undefined, next: ClusterEventStatus): StatusChange[] {
  if (!prev) return [];
  const out: StatusChange[] = [];
  for (const s of SERVICES) {
    const from = prev[`${s}_status`];
    const to = next[`${s}_status`];
    if (from !== to) out.push({ service: s, from, to });
  }
  return out;
}

/**
 * Services that turned `Unhealthy` or `InitialUnhealthy` in `next` (against `prev`; without a
 * previous event, every service that is not healthy).
 */
export function servicesTurnedUnhealthy(prev: ClusterEventStatus | undefined, next: ClusterEventStatus): Service[] {
  return SERVICES.filter(
    (s) => next[`${s}_status`] !== 'Healthy' && (!prev || prev[`${s}_status`] !== next[`${s}_status`]),
  );
}

/** The millisecond timestamp inside a UUID version 7, or undefined for other UUIDs. */
export function uuidv7Millis(id: string): number | undefined {
  const h = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(h) || h[12] !== '7') return undefined;
  return parseInt(h.slice(0, 12), 16);
}
