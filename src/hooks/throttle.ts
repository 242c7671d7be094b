/**
 * `--exec-min-interval`: at most one hook run per interval. A hook due sooner after the last run
 * is held back; only the newest held one is kept, and it runs once the interval is over (the
 * watch checks after every poll), carrying the number of older ones it replaced — those never
 * run. So the receiver always ends up with the latest state (a `resolved` held back is not lost),
 * at most once per interval. Stateful but small: the clock is the caller's.
 */

export interface Released<T> {
  item: T;
  /** Held back since the last run and never run: replaced by this one. */
  suppressed: number;
  /** This one was held back and runs late. */
  delayed: boolean;
}

export interface Throttle<T> {
  /** Something to run now: what runs now (itself, at once) or nothing (held back). */
  offer(item: T, now: number): Released<T> | undefined;
  /** Time passes: the held item, once the interval is over. */
  due(now: number): Released<T> | undefined;
  /** What is held back now: the newest (which would run next) and how many it replaced. */
  held(): { item: T; suppressed: number } | undefined;
  /** When the held item may run. */
  dueAt(): number | undefined;
}

export function createThrottle<T>(minIntervalMs: number | undefined): Throttle<T> {
  let lastRunAt: number | undefined;
  let held: T | undefined;
  let suppressed = 0;
  const open = (now: number) =>
    minIntervalMs === undefined || lastRunAt === undefined || now - lastRunAt >= minIntervalMs;
  const release = (item: T, now: number, delayed: boolean): Released<T> => {
    const r = { item, suppressed, delayed };
    lastRunAt = now;
    held = undefined;
    suppressed = 0;
    return r;
  };
  return {
    offer(item, now) {
      if (open(now)) {
        // A held one not yet released (no report came between) is replaced like any other.
        if (held !== undefined) suppressed++;
        return release(item, now, false);
      }
      if (held !== undefined) suppressed++;
      held = item;
      return undefined;
    },
    due(now) {
      return held !== undefined && open(now) ? release(held, now, true) : undefined;
    },
    held: () => (held === undefined ? undefined : { item: held, suppressed }),
    dueAt: () => (lastRunAt === undefined || minIntervalMs === undefined ? undefined : lastRunAt + minIntervalMs),
  };
}
