/**
 * The cursor: where the watch stands in the server's order of events, and what a poll's answers
 * mean for it. Pure: given the cursor, the new `latest` and, when one was read, the list, which
 * events to show (oldest first, each once), where the cursor stands before them, and whether
 * retention deleted events that were never shown.
 */
import type { ClusterEvent, ClusterEventStatus } from '../api/types.js';
import { matchPrefix } from '../domain/event-id.js';
import {
  compareKeys,
  type EventKey,
  eventsAfter,
  keyOf,
  maxEventsBetween,
  oldestFirst,
  timeKey,
  uuidv7Millis,
} from '../domain/order.js';
import { RETENTION_MS } from '../domain/timeline.js';
import { CliError, EXIT } from '../errors.js';
import type { SinceSpec, WatchNotice } from './types.js';

/**
 * start: show the latest first; empty: started before any event existed, so show every one;
 * from: the first poll failed, so show what was latest when the watch started (`localStart`, by
 * the local clock) and every event recorded since; since: replay history first; after: show what
 * follows this event.
 */
export type Cursor =
  | { kind: 'start' }
  | { kind: 'empty' }
  | { kind: 'from'; localStart: number }
  | { kind: 'since'; spec: SinceSpec }
  | { kind: 'after'; key: EventKey; event: ClusterEventStatus };

/**
 * Allowance when the start is put on the server's clock: an event is stamped when its insert
 * begins and seen once it commits, and the Date header is cut to the second.
 */
export const START_MARGIN_MS = 3_000;
/** Without the server's Date the local clock stands in for it, allowing for this much skew. */
export const START_MARGIN_NO_DATE_MS = 60_000;

export type LostNotice = Extract<WatchNotice, { kind: 'lost' }>;

/** What one poll shows, and how the cursor stands before it (it moves on event by event as they are shown). */
export interface Batch {
  /** Oldest first. */
  events: ClusterEventStatus[];
  /** Replayed from history (`--since`) rather than seen live. */
  replay: boolean;
  cursor: Cursor;
  /** What the first event's changes are judged against. */
  previous: ClusterEventStatus | undefined;
  /** Retention deleted events after the last one known and before the oldest retained. */
  lost: LostNotice | undefined;
}

export function startCursor(since: SinceSpec | undefined): Cursor {
  return since ? { kind: 'since', spec: since } : { kind: 'start' };
}

export function cursorAfter(e: ClusterEventStatus): Cursor {
  return { kind: 'after', key: keyOf(e), event: e };
}

/** The key of the event the cursor stands on, if it stands on one. */
export function cursorKey(cursor: Cursor): EventKey | undefined {
  return cursor.kind === 'after' ? cursor.key : undefined;
}

/** Anything but the event the cursor stands on is news. */
export function isNews(cursor: Cursor, latest: Pick<ClusterEventStatus, 'id'>): boolean {
  return !(cursor.kind === 'after' && latest.id.toLowerCase() === cursor.key.id);
}

/** Watching since before the first event: every event recorded from now on is news. */
export function whenNoEvents(cursor: Cursor): Cursor {
  return cursor.kind === 'start' || cursor.kind === 'from' ? { kind: 'empty' } : cursor;
}

/**
 * The first poll failed (an outage at start): the promise still holds from the moment the watch
 * started, so the first poll that goes through reads the list from then on.
 */
export function whenStartFailed(cursor: Cursor, localStart: number): Cursor {
  return cursor.kind === 'start' ? { kind: 'from', localStart } : cursor;
}

/**
 * The watch's start on the server's clock, learned from the first answer: its Date less the local
 * time that passed since the start (the answer's own latency and the Date's cut to the second only
 * move it earlier), less a margin. Without a Date, the local start less an allowance for skew.
 */
export function startOnServerClock(localStart: number, localNow: number, serverDate: number | undefined): number {
  if (serverDate === undefined) return localStart - START_MARGIN_NO_DATE_MS;
  return serverDate - Math.max(0, localNow - localStart) - START_MARGIN_MS;
}

/** Only a cursor that stands on an event can do without the list (the first poll shows the latest alone). */
export function needsList(cursor: Cursor): boolean {
  return cursor.kind !== 'start';
}

/** The newest event known once a batch is shown (with nothing to show, the one it follows). */
export function newestAfter(b: Batch, latest: ClusterEventStatus): ClusterEventStatus {
  return b.events.at(-1) ?? b.previous ?? latest;
}

/** The batch of a poll that read no list: the new latest alone. */
export function latestAlone(
  cursor: Cursor,
  previous: ClusterEventStatus | undefined,
  latest: ClusterEventStatus,
): Batch {
  return { events: [latest], replay: false, cursor, previous, lost: undefined };
}

/**
 * The batch of a poll that read the list. The list is read after `latest`; should it lag behind,
 * `latest` itself is still news, so it is added.
 */
export function batchFromList(
  cursor: Cursor,
  previous: ClusterEventStatus | undefined,
  list: readonly ClusterEvent[],
  latest: ClusterEvent,
  serverNow: number,
  startedAt = serverNow,
): Batch | CliError {
  const id = latest.id.toLowerCase();
  const items = list.some((x) => x.id.toLowerCase() === id) ? list : [...list, latest];
  switch (cursor.kind) {
    case 'start':
      return latestAlone(cursor, previous, latest);
    case 'empty':
      return { events: oldestFirst(items), replay: false, cursor, previous, lost: undefined };
    case 'from':
      return fromStartBatch(cursor, items, startedAt, serverNow);
    case 'since':
      return replayBatch(cursor.spec, items, serverNow);
    case 'after': {
      const after = eventsAfter(items, cursor.key);
      const oldest = after.cursorDeleted ? after.oldestRetained : undefined;
      const lost = oldest && lostNotice(cursor.event.id, cursor.event.recorded_at, cursor.key.time, oldest);
      return { events: after.events, replay: false, cursor, previous, lost };
    }
  }
}

/** The most events Feldera retains (with RETENTION_MS, the age limit). */
const RETAINED_MAX = 1000;

/**
 * What was latest when the watch started (`startedAt`, server clock) and every event since, as
 * seen live. When none of the retained events is older than the start and the list shows
 * retention at work (full, or reaching back to its age limit), events recorded after the start
 * may have been deleted before the watch could read them: said, as for a lost cursor.
 */
function fromStartBatch(cursor: Cursor, items: readonly ClusterEvent[], startedAt: number, serverNow: number): Batch {
  const r = replayFrom({ kind: 'time', at: startedAt }, items, startedAt);
  let events: ClusterEvent[];
  if (r instanceof CliError) events = oldestFirst(items).slice(-1);
  else events = r.before ? [r.before, ...r.events] : r.events;
  const oldest = events[0];
  const retentionAtWork =
    items.length >= RETAINED_MAX ||
    (oldest !== undefined && serverNow - Date.parse(oldest.recorded_at) >= RETENTION_MS - 3_600_000);
  const lost =
    !(r instanceof CliError) && !r.before && oldest && retentionAtWork
      ? lostNotice(undefined, new Date(startedAt).toISOString(), startedAt * 1000, oldest)
      : undefined;
  return { events, replay: false, cursor, previous: undefined, lost };
}

function replayBatch(spec: SinceSpec, items: readonly ClusterEvent[], serverNow: number): Batch | CliError {
  const r = replayFrom(spec, items, serverNow);
  if (r instanceof CliError) return r;
  // Changes of the first replayed event are judged against the one before it (not shown).
  if (r.events.length > 0)
    return { events: r.events, replay: true, cursor: { kind: 'since', spec }, previous: r.before, lost: r.lost };
  // Nothing to replay: continue live from the newest retained event (the list holds `latest` at least).
  const newest = oldestFirst(items).at(-1)!;
  return { events: [], replay: true, cursor: cursorAfter(newest), previous: newest, lost: r.lost };
}

export interface Replay {
  /** Oldest first. */
  events: ClusterEventStatus[];
  /** The retained event just before them, if any. */
  before: ClusterEventStatus | undefined;
  lost: LostNotice | undefined;
}

/** The events to replay for `since`, oldest first, and the one before them. */
export function replayFrom(spec: SinceSpec, list: readonly ClusterEvent[], serverNow: number): Replay | CliError {
  const sorted = oldestFirst(list);
  if (spec.kind === 'time' || spec.kind === 'ago') {
    const at = spec.kind === 'time' ? spec.at : serverNow - spec.ms;
    const from = sorted.findIndex((e) => Date.parse(e.recorded_at) >= at);
    if (from < 0) return { events: [], before: sorted.at(-1), lost: undefined };
    return { events: sorted.slice(from), before: from > 0 ? sorted[from - 1] : undefined, lost: undefined };
  }
  const want = spec.id.toLowerCase().replace(/-/g, '');
  const matches = matchPrefix(sorted, want);
  if (matches.length > 1) {
    return new CliError(`--since ${spec.id} matches ${matches.length} retained events`, {
      exitCode: EXIT.USAGE,
      hint: 'give more digits of the id',
      kind: 'usage',
    });
  }
  const found = matches[0];
  if (found) return { events: eventsAfter(sorted, keyOf(found)).events, before: found, lost: undefined };
  return replayAfterGoneId(spec.id, want, sorted);
}

/** An id no longer retained: one of version 7 carries its time, so resume from there (and say what may be lost). */
function replayAfterGoneId(id: string, hex: string, sorted: readonly ClusterEvent[]): Replay | CliError {
  const ms = hex.length === 32 ? uuidv7Millis(hex) : undefined;
  if (ms === undefined) {
    return new CliError(`no retained event matches --since ${id}`, {
      hint: 'events are kept for 72 h and at most the 1000 newest; give a time instead (--since 2h)',
      kind: 'unknown-event',
    });
  }
  const key: EventKey = { time: ms * 1000, id: id.toLowerCase() };
  const after = eventsAfter(sorted, key);
  const oldest = after.oldestRetained;
  const gone = oldest && compareKeys(keyOf(oldest), key) > 0;
  const lost = gone ? lostNotice(id, new Date(ms).toISOString(), key.time, oldest) : undefined;
  return { events: after.events, before: undefined, lost };
}

/** At most how many events retention may have deleted between the last one known and the oldest retained. */
function lostNotice(
  lastSeenId: string | undefined,
  lastSeenAt: string,
  lastSeenUs: number,
  oldest: ClusterEventStatus,
): LostNotice {
  const upTo = maxEventsBetween(lastSeenUs, timeKey(oldest.recorded_at));
  return { kind: 'lost', lastSeenId, lastSeenAt, oldestRetainedAt: oldest.recorded_at, upTo };
}
