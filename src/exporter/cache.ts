/**
 * At most one read of Feldera per `minIntervalMs`, however many scrapes come: a scrape within the
 * interval of the last read's start gets that read's answer, and scrapes that arrive while a read
 * is in flight share it. So several Prometheus replicas (or a person with curl) cost Feldera
 * nothing more than one monitor round's worth of requests.
 */
import type { Clock } from '../util/clock.js';

export interface Read<T> {
  value: T;
  /** When the read started (clock ms). */
  startedAt: number;
  /** How long it took (ms). */
  durationMs: number;
  /** Counts reads, so a caller can tell a new answer from a cached one. */
  generation: number;
}

export interface ReadCache<T> {
  get(): Promise<Read<T>>;
}

export function createReadCache<T>(
  read: () => Promise<T>,
  minIntervalMs: number,
  clock: Pick<Clock, 'now'>,
): ReadCache<T> {
  let last: Read<T> | undefined;
  let inFlight: Promise<Read<T>> | undefined;
  let generation = 0;
  const start = (): Promise<Read<T>> => {
    const startedAt = clock.now();
    const p = read().then((value) => {
      last = { value, startedAt, durationMs: clock.now() - startedAt, generation: ++generation };
      return last;
    });
    inFlight = p.finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  return {
    get() {
      if (inFlight) return inFlight;
      if (last && clock.now() - last.startedAt < minIntervalMs) return Promise.resolve(last);
      return start();
    },
  };
}
