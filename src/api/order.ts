/**
 * The server's order of events: `recorded_at` (to the microsecond), then `id`. Shared by the
 * watch engine (gap-free cursor) and the history maths (list, incidents, timeline).
 */
import type { ClusterEventStatus } from './types.js';

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
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
