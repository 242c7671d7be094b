/**
 * The monitor's cadence, and the list reads it makes unnecessary. The monitor is one loop: check,
 * insert, clean up, sleep 10 s; a healthy cluster records one event every 60 rounds. So a new
 * latest recorded within a round of the moment the previous one was last seen as latest can only
 * be the very next event, and the list (up to 1000 events) need not be read. A list is still read
 * at least hourly, and every list checks what was shown without one (events it finds that were
 * skipped are reported late). Pure: the loop keeps a `Cadence` and replaces it with what these return.
 */
import type { ClusterEventStatus } from '../api/types.js';
import { changesBetween, compareKeys, type EventKey, keyOf, MONITOR_ROUND_MS, oldestFirst } from '../domain/order.js';
import { isAllHealthy } from '../domain/verdict.js';

/** Allowance for the time between reading the table and stamping the Date header, and for clock skew. */
export const SKIP_MARGIN_MS = 3_000;
/** Even when every change is provably next, read the list this often (it verifies what was skipped). */
export const VERIFY_LIST_EVERY_MS = 3_600_000;
/** A healthy monitor records every 60 rounds: 10 minutes plus the rounds' own work (learned when seen). */
export const DEFAULT_PERIODIC_GAP_MS = 601_000;
/** The early look before an expected periodic event comes this long before it. */
export const EARLY_LOOK_MS = 2_500;

export interface Cadence {
  /** When (server clock) the event the cursor stands on was last seen as `latest`. */
  seenAsLatest: { id: string; at: number } | undefined;
  /** When (server clock) a list was last read. */
  lastListAt: number | undefined;
  /** Events shown without a list since `anchor`: the next list checks that nothing lay between them. */
  unverified: { anchor: EventKey; ids: ReadonlySet<string> } | undefined;
  /** The healthy monitor's 10-minute cadence, learned from two periodic events in a row. */
  periodicGapMs: number;
}

export const initialCadence: Cadence = {
  seenAsLatest: undefined,
  lastListAt: undefined,
  unverified: undefined,
  periodicGapMs: DEFAULT_PERIODIC_GAP_MS,
};

/**
 * Can `next` (the new latest) only be the event right after the cursor? `recorded_at` is the insert
 * transaction's time, so any event X between the cursor and `next` was committed after the moment
 * the cursor was last seen as latest (time P), and `next` was recorded at least a round after X:
 * next.recorded_at >= P + 10 s. When `next` was recorded earlier than that (less a margin), no X exists.
 */
export function provablyNext(
  c: Cadence,
  cursor: EventKey,
  next: ClusterEventStatus,
  serverDate: number | undefined,
): boolean {
  if (serverDate === undefined || !c.seenAsLatest || c.seenAsLatest.id !== cursor.id) return false;
  if (c.lastListAt === undefined || serverDate - c.lastListAt >= VERIFY_LIST_EVERY_MS) return false;
  const nextKey = keyOf(next);
  if (compareKeys(nextKey, cursor) <= 0) return false;
  return nextKey.time <= (c.seenAsLatest.at + MONITOR_ROUND_MS - SKIP_MARGIN_MS) * 1000;
}

/** An event shown without a list, after `anchor` (the cursor when the first one was skipped). */
export function skipped(c: Cadence, anchor: EventKey, id: string): Cadence {
  const u = c.unverified ?? { anchor, ids: new Set<string>() };
  return { ...c, unverified: { anchor: u.anchor, ids: new Set(u.ids).add(id.toLowerCase()) } };
}

/** The first poll shows the latest alone: the hourly list counts from it. */
export function firstLook(c: Cadence, serverDate: number | undefined): Cadence {
  return c.lastListAt === undefined ? { ...c, lastListAt: serverDate } : c;
}

/**
 * A list was read: the hourly clock starts again, and events it holds between the anchor and the
 * cursor that were not shown are returned, oldest first, to be reported late.
 */
export function listRead(
  c: Cadence,
  serverDate: number | undefined,
  list: readonly ClusterEventStatus[],
  cursor: EventKey | undefined,
): { cadence: Cadence; late: ClusterEventStatus[] } {
  const u = c.unverified;
  const late = u && cursor ? oldestFirst(list).filter((e) => isMissed(keyOf(e), u, cursor)) : [];
  return { cadence: { ...c, lastListAt: serverDate ?? c.lastListAt, unverified: undefined }, late };
}

function isMissed(k: EventKey, u: NonNullable<Cadence['unverified']>, upTo: EventKey): boolean {
  return compareKeys(k, u.anchor) > 0 && compareKeys(k, upTo) < 0 && !u.ids.has(k.id);
}

/** After a poll: `latest` is the event the cursor stands on as of the answer's Date, or nothing is known. */
export function sawLatest(
  c: Cadence,
  cursor: EventKey | undefined,
  latest: ClusterEventStatus,
  serverDate: number | undefined,
): Cadence {
  const seen =
    cursor && cursor.id === latest.id.toLowerCase() && serverDate !== undefined
      ? { id: cursor.id, at: serverDate }
      : undefined;
  return { ...c, seenAsLatest: seen };
}

/** Two healthy events in a row with no change between them are periodic: their gap is the cadence. */
export function learnCadence(c: Cadence, prev: ClusterEventStatus | undefined, e: ClusterEventStatus): Cadence {
  if (!prev || !isAllHealthy(prev) || !isAllHealthy(e) || changesBetween(prev, e).length > 0) return c;
  const gap = Date.parse(e.recorded_at) - Date.parse(prev.recorded_at);
  return gap > 590_000 && gap < 620_000 ? { ...c, periodicGapMs: gap } : c;
}

/** What the next poll's wait is made of: the interval, the jittered wait, the Date of this poll's answer. */
export interface NextPoll {
  intervalMs: number;
  delayMs: number;
  serverDate: number | undefined;
}

/**
 * A healthy cluster's next event is due `periodicGapMs` after the last one. Looking once just
 * before that time (one small request) lets the poll that finds it prove it is the next event,
 * which saves reading the whole list. The interval stays the longest wait: the delay is only ever
 * shortened, and not while the newest event is unhealthy or stale (no periodic event is due then),
 * nor when the interval is as long as the periodic gap (nothing to prove then).
 */
export function earlyLook(c: Cadence, newest: ClusterEventStatus, stale: boolean, next: NextPoll): number {
  const { intervalMs, delayMs, serverDate } = next;
  if (serverDate === undefined || stale || !isAllHealthy(newest)) return delayMs;
  // Polls this close together see every event within the provable window anyway.
  if (intervalMs <= MONITOR_ROUND_MS - SKIP_MARGIN_MS - 1000) return delayMs;
  // Polls a periodic gap or more apart: the one after the look would find later events too, and
  // read the list anyway — the look would only double the polls.
  if (intervalMs >= c.periodicGapMs) return delayMs;
  if (!c.seenAsLatest || c.seenAsLatest.id !== newest.id.toLowerCase()) return delayMs;
  const wait = Date.parse(newest.recorded_at) + c.periodicGapMs - EARLY_LOOK_MS - serverDate;
  return wait >= 1000 && wait < delayMs ? wait : delayMs;
}
