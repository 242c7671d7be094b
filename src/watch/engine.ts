/**
 * The watch engine: follows a Feldera instance's cluster monitor events without gaps, at the cost
 * of one small request per unchanged poll. It is driven by an injected clock and client and
 * reports through an observer, so it prints nothing, can be tested in milliseconds, and can be
 * reused by other commands.
 *
 * The parts: the cursor (cursor.ts: which events a poll shows, `--since` replay, retention
 * losses); back-off and outages (backoff.ts); the monitor's cadence, which lets a poll skip the
 * list (up to 1000 events, ~80 kB for 72 h of a healthy cluster) when it proves the new latest is
 * the very next event (cadence.ts); staleness and `--until` (stale-notice.ts). Each is pure. One poll
 * (`step`, poll.ts) makes the requests and puts their verdicts into the state (loop.ts); `run`,
 * here, waits between polls until the `until` condition, the timeout, the abort signal or a fatal
 * error. Failures that may heal start an outage: the cursor is untouched, so the next successful
 * poll fills the gap from the list.
 */
import { EXIT } from '../errors.js';
import { createLoop, type Loop, onFailure, snapshot } from './loop.js';
import { step } from './poll.js';
import { isStop, stopToken } from './stop.js';
import type { WatchEnd, Watcher, WatchOptions } from './types.js';

export type {
  SinceSpec,
  StepOutcome,
  UntilCondition,
  WatchClient,
  WatchEnd,
  WatchedEvent,
  Watcher,
  WatchNotice,
  WatchObserver,
  WatchOptions,
  WatchSnapshot,
} from './types.js';

/** The longest delay setTimeout takes; a longer timeout is left to the injected clock alone. */
const MAX_TIMER_MS = 2_147_483_647;

export function createWatcher(opts: WatchOptions): Watcher {
  const w = createLoop(opts);
  const onAbort = () => w.stop.abort(stopToken('aborted'));
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  // The request timeout runs in real time, so a deadline is guarded by a real timer as well.
  const guardMs =
    opts.realTimeGuard !== false && opts.timeoutMs !== undefined && opts.timeoutMs <= MAX_TIMER_MS
      ? opts.timeoutMs
      : undefined;
  return {
    step: () => step(w),
    run: () => run(w, guardMs, () => opts.signal?.removeEventListener('abort', onAbort)),
    snapshot: () => snapshot(w),
  };
}

async function run(w: Loop, guardMs: number | undefined, detach: () => void): Promise<WatchEnd> {
  const guard = guardMs === undefined ? undefined : setTimeout(() => w.stop.abort(stopToken('timeout')), guardMs);
  guard?.unref?.();
  try {
    for (;;) {
      if (w.deadline !== undefined && w.clock.now() >= w.deadline) {
        w.s.ended = { reason: 'timeout', exitCode: EXIT.TIMEOUT };
        return w.s.ended;
      }
      const o = await step(w);
      if (o.done) return o.end;
      try {
        await wait(w, o.delayMs);
      } catch (e) {
        // A wait cut short by the stop signal reports the stop, not the abort error it threw.
        const stopped = !isStop(e) && w.stop.signal.aborted;
        const r = onFailure(w, stopped ? w.stop.signal.reason : e);
        if (r.done) return r.end;
      }
    }
  } finally {
    if (guard) clearTimeout(guard);
    detach();
  }
}

/** Wait on the injected clock, no later than the deadline; with `statusTickMs`, report status along the way. */
async function wait(w: Loop, ms: number): Promise<void> {
  let remaining = w.deadline === undefined ? ms : Math.min(ms, Math.max(0, w.deadline - w.clock.now()));
  const tick = w.settings.statusTickMs;
  while (remaining > 0) {
    const slice = tick ? Math.min(tick, remaining) : remaining;
    await w.clock.sleep(slice, w.stop.signal);
    remaining -= slice;
    if (tick && remaining > 0) w.obs.status?.(snapshot(w));
  }
}
