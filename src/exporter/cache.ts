/**
 * At most one read of each Feldera instance per `minIntervalMs`, however many scrapes come: a
 * scrape within the interval of the last answer gets that answer, and scrapes that arrive while a
 * read of the instance is in flight share it — one read in flight per instance. The interval
 * counts from the answer, not from the read's start: a read slower than the interval would
 * otherwise be followed by another at once, on every scrape. So several Prometheus replicas (or a
 * person with curl) cost each instance nothing more than one read per interval.
 *
 * Instances are keyed by name (a profile, or a probed URL). Entries not asked for in a while are
 * dropped, so probing ever new URLs does not grow the cache without end.
 */
import type { Clock } from '../util/clock.js';

export interface Read<T> {
  value: T;
  /** When the read started (clock ms). */
  startedAt: number;
  /** When its answer came (clock ms); the interval counts from here. */
  answeredAt: number;
  /** How long it took (ms). */
  durationMs: number;
  /** Counts the reads of this instance, so a caller can tell a new answer from a cached one. */
  generation: number;
}

export interface ReadCache<T> {
  /** The instance's last answer if it is recent enough, else the read in flight, else a new read by `read`. */
  get(key: string, read: () => Promise<T>): Promise<Read<T>>;
  /** How many instances are remembered. */
  size(): number;
}

interface Entry<T> {
  last?: Read<T>;
  inFlight?: Promise<Read<T>>;
  generation: number;
  askedAt: number;
}

/** How many `get`s between two sweeps of the entries nobody asked for. */
const SWEEP_EVERY = 256;

export function createReadCache<T>(
  minIntervalMs: number,
  clock: Pick<Clock, 'now'>,
  /** Forget an instance nobody asked for in this long (default: 10 intervals, at least 10 minutes). */
  idleMs = Math.max(10 * minIntervalMs, 600_000),
): ReadCache<T> {
  const entries = new Map<string, Entry<T>>();
  let gets = 0;
  const sweep = (now: number) => {
    for (const [key, e] of entries) if (!e.inFlight && now - e.askedAt > idleMs) entries.delete(key);
  };
  const start = (e: Entry<T>, read: () => Promise<T>): Promise<Read<T>> => {
    const startedAt = clock.now();
    const p = read().then((value) => {
      const answeredAt = clock.now();
      e.last = { value, startedAt, answeredAt, durationMs: answeredAt - startedAt, generation: ++e.generation };
      return e.last;
    });
    e.inFlight = p.finally(() => {
      e.inFlight = undefined;
    });
    return e.inFlight;
  };
  return {
    get(key, read) {
      const now = clock.now();
      if (++gets % SWEEP_EVERY === 0) sweep(now);
      let e = entries.get(key);
      if (!e) {
        e = { generation: 0, askedAt: now };
        entries.set(key, e);
      }
      e.askedAt = now;
      if (e.inFlight) return e.inFlight;
      if (e.last && now - e.last.answeredAt < minIntervalMs) return Promise.resolve(e.last);
      return start(e, read);
    },
    size: () => entries.size,
  };
}
