/**
 * The `cluster_monitor_event` table: rows oldest first, an index by id, the retention clean-up
 * that follows every insert, and (when asked: tests) an append-only log of every row ever written,
 * with when and why retention deleted it, to see past the clean-up. Without the log a simulator
 * holds its retained rows only, however long it runs.
 */
import type { StoredEvent } from './event.js';

export const RETENTION_MS = 72 * 3600 * 1000;
export const RETENTION_COUNT = 1000;

/** Every event ever recorded, in order, with when and why retention deleted it. */
export interface LogEntry {
  event: StoredEvent;
  deletedAtUs?: number;
  deletedBecause?: 'age' | 'count';
}

export interface EventTable {
  /** Retained rows, oldest first. */
  rows(): readonly StoredEvent[];
  /** Retained rows, newest first (`ORDER BY recorded_at DESC, id DESC`). */
  events(): StoredEvent[];
  latest(): StoredEvent | undefined;
  /** A retained row by canonical id. */
  get(id: string): StoredEvent | undefined;
  /** Every row ever written (empty unless the table keeps a log). */
  readonly log: readonly LogEntry[];
  /** Appends a row, then runs the clean-up as of 1 ms after its `recorded_at`. */
  insert(e: StoredEvent): void;
}

/**
 * How many of the oldest rows the clean-up at `nowUs` deletes, and how many of those for age
 * (the rest for count). The newest row is never deleted, however old.
 */
export function retentionCut(
  rows: readonly Pick<StoredEvent, 'recordedAtUs'>[],
  nowUs: number,
): { count: number; byAge: number } {
  const n = rows.length;
  if (n <= 1) return { count: 0, byAge: 0 };
  const threshold = nowUs - RETENTION_MS * 1000;
  let byAge = 0;
  while (byAge < n - 1 && rows[byAge]!.recordedAtUs < threshold) byAge++;
  return { count: Math.max(byAge, n - RETENTION_COUNT), byAge };
}

export function createEventTable(keepLog = true): EventTable {
  let rows: StoredEvent[] = [];
  const byId = new Map<string, StoredEvent>();
  const log: LogEntry[] = [];
  const logIndex = new Map<string, LogEntry>();

  function cleanUp(nowUs: number): void {
    const { count, byAge } = retentionCut(rows, nowUs);
    if (count === 0) return;
    rows.slice(0, count).forEach((e, i) => {
      byId.delete(e.id);
      const entry = logIndex.get(e.id);
      if (!entry) return;
      logIndex.delete(e.id);
      entry.deletedAtUs = nowUs;
      entry.deletedBecause = i < byAge ? 'age' : 'count';
    });
    rows = rows.slice(count);
  }

  return {
    rows: () => rows,
    events: () => rows.slice().reverse(),
    latest: () => rows[rows.length - 1],
    get: (id) => byId.get(id),
    log,
    insert(e) {
      rows.push(e);
      byId.set(e.id, e);
      if (keepLog) {
        const entry: LogEntry = { event: e };
        log.push(entry);
        logIndex.set(e.id, entry);
      }
      cleanUp(e.recordedAtUs + 1000);
    },
  };
}
