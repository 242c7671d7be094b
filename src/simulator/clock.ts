/**
 * Simulated time. The model never sets a timer: it asks its clock for "now" (epoch milliseconds)
 * whenever it answers, and runs every monitor round that has become due.
 */
export interface SimClock {
  /** Simulated now, in epoch milliseconds (may be fractional). */
  now(): number;
}

/** A clock that moves only when told to: for tests. */
export interface ManualClock extends SimClock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function manualClock(start: number): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
      now += ms;
    },
    set(epochMs) {
      if (epochMs < now) throw new RangeError('a simulated clock never goes back');
      now = epochMs;
    },
  };
}

/** Simulated now = start + real time elapsed since creation × speed. */
export function scaledClock(opts: { start: number; speed: number; realNow?: () => number }): SimClock {
  const realNow = opts.realNow ?? (() => performance.now());
  const realStart = realNow();
  const { start, speed } = opts;
  return { now: () => start + (realNow() - realStart) * speed };
}
