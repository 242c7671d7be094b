/**
 * The watch engine: a state machine that follows a Feldera instance's cluster monitor events
 * without gaps, at the cost of one small request per unchanged poll.
 *
 * State: the last event shown (the cursor), back-off and outage state, staleness state, counters.
 * It is driven by an injected clock and client and reports through an observer, so it prints
 * nothing, can be tested in milliseconds, and can be reused by other commands.
 *
 * One poll (`step`):
 *  1. `GET …/latest?selector=status` (the only request when nothing changed);
 *  2. when the latest id differs from the cursor: `GET /v0/cluster/events` once and report every
 *     event after the cursor, oldest first (retention may have deleted the cursor: say how many
 *     may be lost); with `details`, `selector=all` once for an event where a service turned
 *     unhealthy. The list (up to 1000 events, ~80 kB for 72 h of a healthy cluster) is skipped
 *     when the monitor's own cadence proves the new latest is the very next event
 *     (`provablyNext`); a look just before a healthy cluster's next 10-minute event is due makes
 *     that the usual case (`earlyLook`); a list is still read hourly and checks what was skipped;
 *  3. judge staleness by the server's `Date`; check the `until` condition.
 * Failures that may heal (no answer, timeouts, 408/429/5xx) start an outage: capped exponential
 * back-off, one notice at its start and one at its end; the cursor is untouched, so the next
 * successful poll fills the gap from the list.
 */
import type { Answer } from '../api/client.js';
import type { ClusterEvent, ClusterEventStatus } from '../api/types.js';
import { DEFAULT_STALE_AFTER_MS } from '../domain/verdict.js';
import { CliError, EXIT } from '../errors.js';
import { changesBetween, servicesTurnedUnhealthy } from '../domain/order.js';
import {
  answered as answeredNow,
  backoffDelay,
  classify,
  credentialRefreshed,
  failed,
  heard,
  initialHealth,
  jittered,
  noEventsYet,
  pollDone,
  type Health,
  type Transition,
} from './backoff.js';
import { initialStaleness, judgeStaleness, resumed, staleAfterPoll, untilHolds, untilMetBy, type Said, type Staleness } from './staleness.js';
import { earlyLook, firstLook, initialCadence, learnCadence, listRead, provablyNext, sawLatest, skipped, type Cadence } from './cadence.js';
import { batchFromList, cursorAfter, cursorKey, isNews, latestAlone, needsList, startCursor, whenNoEvents, type Batch, type Cursor } from './cursor.js';
import type { StepOutcome, WatchEnd, WatchOptions, WatchSnapshot, WatchedEvent, Watcher } from './types.js';

export type {
  SinceSpec,
  StepOutcome,
  UntilCondition,
  WatchClient,
  WatchEnd,
  WatchNotice,
  WatchObserver,
  WatchOptions,
  WatchSnapshot,
  WatchedEvent,
  Watcher,
} from './types.js';

/** Thrown inside the engine when the signal or the deadline stops it mid-request. */
class Stop {
  constructor(readonly why: 'aborted' | 'timeout') {}
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: EXIT.SIGINT, SIGTERM: EXIT.SIGTERM };

export { DEFAULT_PERIODIC_GAP_MS, EARLY_LOOK_MS, SKIP_MARGIN_MS, VERIFY_LIST_EVERY_MS } from './cadence.js';

export function createWatcher(opts: WatchOptions): Watcher {
  const { client, clock } = opts;
  const obs = opts.observer ?? {};
  const intervalMs = opts.intervalMs;
  const jitter = opts.jitter ?? 0.1;
  const random = opts.random ?? Math.random;
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const backoffBase = opts.backoffBaseMs ?? Math.min(intervalMs, 1000);
  const backoffCap = opts.backoffCapMs ?? Math.max(intervalMs, 60_000);
  const externalSignal = opts.signal;

  // Stop = the caller's signal or the real-time guard of the deadline.
  const stopCtl = new AbortController();
  let guardTimer: ReturnType<typeof setTimeout> | undefined;
  const onExternalAbort = () => stopCtl.abort(new Stop('aborted'));
  if (externalSignal?.aborted) onExternalAbort();
  else externalSignal?.addEventListener('abort', onExternalAbort, { once: true });

  const base = client.stats();
  const startedAt = clock.now();
  const deadline = opts.timeoutMs !== undefined ? startedAt + opts.timeoutMs : undefined;

  // --- state ---
  let cursor: Cursor = startCursor(opts.since);
  let lastShown: ClusterEventStatus | undefined;
  let polls = 0;
  let events = 0;
  let errors = 0;
  let lastPollAt: number | undefined;
  let nextPollAt: number | undefined;
  let health: Health = initialHealth;
  let staleness: Staleness = initialStaleness;
  let ended: WatchEnd | undefined;
  let cadence: Cadence = initialCadence;
  // The list-skipping shortcut (see cadence.ts) is on unless turned off.
  const shortcut = opts.skipProvableLists !== false;

  function snapshot(): WatchSnapshot {
    const s = client.stats();
    return {
      startedAt,
      now: clock.now(),
      polls,
      events,
      errors,
      requests: s.requests - base.requests,
      bytes: s.bytesReceived - base.bytesReceived,
      lastPollAt,
      nextPollAt,
      outageSince: health.outage?.since,
      stale: staleness.now,
      lastSeenId: cursor.kind === 'after' ? cursor.event.id : undefined,
    };
  }

  function stopReason(): WatchEnd {
    const r = externalSignal?.reason;
    if (externalSignal?.aborted) {
      const name = typeof r === 'string' ? r : r instanceof Error ? r.message : 'SIGINT';
      return { reason: 'aborted', signal: name, exitCode: SIGNAL_EXIT[name] ?? EXIT.SIGINT };
    }
    return { reason: 'timeout', exitCode: EXIT.TIMEOUT };
  }

  /** A request, abandoned at once when the watch is stopped. */
  function call<T>(fn: () => Promise<T>): Promise<T> {
    const signal = stopCtl.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    const p = fn();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        p.catch(() => undefined); // the abandoned request may still fail later
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  /** Take a transition of the back-off state and give the notices it calls for. */
  function apply(t: Transition): void {
    health = t.health;
    for (const n of t.notices) obs.notice?.(n);
  }

  function answered(): void {
    apply(answeredNow(health, clock.now()));
  }

  function fatal(error: CliError): StepOutcome {
    ended = { reason: 'fatal', error, exitCode: error.exitCode };
    return { done: true, end: ended };
  }

  /** What a failed request means for the loop. */
  function onFailure(e: unknown): StepOutcome {
    if (e instanceof Stop) {
      ended = stopReason();
      return { done: true, end: ended };
    }
    if (!(e instanceof CliError)) throw e;
    const f = classify(e, health.hadAnswer);
    if (f.kind === 'no-events') {
      apply(noEventsYet(health, clock.now()));
      cursor = whenNoEvents(cursor);
      return { done: false, delayMs: jittered(intervalMs, jitter, random), changed: false };
    }
    errors++;
    if (f.kind === 'credential') {
      // Retry at once with the new credential; a second refusal before a whole poll went through is final.
      if (health.credentialRefreshed || !client.refreshCredential()) return fatal(f.error);
      apply(credentialRefreshed(health, f.error.status));
      return { done: false, delayMs: 0, changed: false };
    }
    if (f.kind === 'outage') {
      apply(failed(health, clock.now(), f.error.message));
      const delay = backoffDelay(health.attempt, backoffBase, backoffCap);
      return { done: false, delayMs: jittered(delay, jitter, random), changed: false };
    }
    return fatal(f.error);
  }

  /** Take a staleness verdict and give its notice. */
  function say(t: Said): void {
    staleness = t.staleness;
    if (t.notice) obs.notice?.(t.notice);
  }

  function untilMet(): StepOutcome {
    ended = { reason: 'until', condition: opts.until!, exitCode: 0 };
    return { done: true, end: ended };
  }

  async function withDetails(e: ClusterEventStatus, prev: ClusterEventStatus | undefined): Promise<{ event: ClusterEvent; detailed: WatchedEvent['detailed'] }> {
    if (!opts.details) return { event: e, detailed: [] };
    const turned = servicesTurnedUnhealthy(prev, e);
    if (turned.length === 0) return { event: e, detailed: [] };
    try {
      const full = await call(() => client.getEvent(e.id, 'all'));
      return { event: full.data, detailed: turned };
    } catch (err) {
      if (err instanceof Stop || !(err instanceof CliError)) throw err;
      errors++;
      obs.notice?.({ kind: 'details-failed', id: e.id, reason: err.message });
      return { event: e, detailed: [] };
    }
  }

  /** Report a batch (oldest first); returns true when `until` is met by one of them. */
  async function show(batch: ClusterEventStatus[], replay: boolean, live: boolean): Promise<boolean> {
    for (const e of batch) {
      const prev = lastShown;
      cadence = learnCadence(cadence, prev, e);
      const { event, detailed } = await withDetails(e, prev);
      // The cursor moves only once the event is out: a stop in between shows it again next time, never skips it.
      lastShown = e;
      cursor = cursorAfter(e);
      events++;
      obs.event?.({ event, previous: prev, changes: changesBetween(prev, e), detailed, replay });
      if (live && untilMetBy(opts.until, prev, e)) return true;
    }
    return false;
  }

  /** Events a list showed that the shortcut skipped: report them, late (only if the monitor broke its cadence). */
  function reportLate(late: readonly ClusterEventStatus[]): void {
    if (late.length === 0) return;
    obs.notice?.({ kind: 'late', count: late.length });
    for (const e of late) {
      events++;
      obs.event?.({ event: e, previous: undefined, changes: [], detailed: [], replay: false, late: true });
    }
  }

  async function step(): Promise<StepOutcome> {
    if (ended) return { done: true, end: ended };
    if (stopCtl.signal.aborted) return onFailure(stopCtl.signal.reason);
    polls++;
    lastPollAt = clock.now();
    let latest: Answer<ClusterEvent>;
    try {
      latest = await call(() => client.getEvent('latest', 'status'));
    } catch (e) {
      return report(onFailure(e));
    }
    health = heard(health);
    const ev = latest.data;
    const changed = isNews(cursor, ev);
    // Unchanged: that was the whole poll (one request, one status answer); only staleness can move.
    if (!changed) answered();
    else {
      const initial = cursor.kind !== 'after';
      let plan: Batch;
      if (!needsList(cursor)) {
        plan = latestAlone(cursor, lastShown, ev);
        cadence = firstLook(cadence, latest.serverDate);
      } else if (shortcut && cursor.kind === 'after' && provablyNext(cadence, cursor.key, ev, latest.serverDate)) {
        plan = latestAlone(cursor, lastShown, ev);
        cadence = skipped(cadence, cursor.key, ev.id);
      } else {
        let list: Answer<ClusterEvent[]>;
        try {
          list = await call(() => client.listEvents());
        } catch (e) {
          return report(onFailure(e));
        }
        const read = listRead(cadence, latest.serverDate, list.data, cursorKey(cursor));
        cadence = read.cadence;
        reportLate(read.late);
        const b = batchFromList(cursor, lastShown, list.data, ev, latest.serverDate ?? clock.now());
        if (b instanceof CliError) return report(fatal(b));
        plan = b;
        if (plan.lost) obs.notice?.(plan.lost);
      }
      cursor = plan.cursor;
      lastShown = plan.previous;
      const batch = plan.events;
      const replay = plan.replay;
      // Everything needed is in hand: an outage is over (its gap follows, filled from the list).
      answered();
      if (!replay) say(resumed(staleness, batch[0], lastShown));
      let met: boolean;
      try {
        met = await show(batch, replay, !initial);
      } catch (e) {
        return report(onFailure(e));
      }
      if (replay) obs.notice?.({ kind: 'replayed', count: batch.length });
      if (met) return report(untilMet());
    }

    // `ev` was the latest at this answer's Date: the next event cannot come within a round of it.
    cadence = sawLatest(cadence, cursorKey(cursor), ev, latest.serverDate);

    // Staleness of the newest event, by the server's clock.
    const newest = lastShown ?? ev;
    say(staleAfterPoll(staleness, judgeStaleness(newest, latest.serverDate, clock.now(), staleAfterMs), newest, staleAfterMs));
    if (opts.until && untilHolds(opts.until, newest, staleness.now)) {
      // As a state: at once when it already holds; `unhealthy` during the watch is caught per event.
      return report(untilMet());
    }
    health = pollDone(health);
    const next = { intervalMs, delayMs: jittered(intervalMs, jitter, random), serverDate: latest.serverDate };
    return report({ done: false, delayMs: shortcut ? earlyLook(cadence, newest, staleness.now, next) : next.delayMs, changed });
  }

  function report(o: StepOutcome): StepOutcome {
    nextPollAt = o.done ? undefined : clock.now() + o.delayMs;
    if (obs.status) obs.status(snapshot());
    return o;
  }

  async function wait(ms: number): Promise<void> {
    let remaining = ms;
    if (deadline !== undefined) remaining = Math.min(remaining, Math.max(0, deadline - clock.now()));
    const tick = opts.statusTickMs;
    while (remaining > 0) {
      const slice = tick ? Math.min(tick, remaining) : remaining;
      await clock.sleep(slice, stopCtl.signal);
      remaining -= slice;
      if (tick && remaining > 0) obs.status?.(snapshot());
    }
  }

  async function run(): Promise<WatchEnd> {
    if (deadline !== undefined && opts.realTimeGuard !== false && opts.timeoutMs! <= 2_147_483_647) {
      guardTimer = setTimeout(() => stopCtl.abort(new Stop('timeout')), opts.timeoutMs);
      guardTimer.unref?.();
    }
    try {
      for (;;) {
        if (deadline !== undefined && clock.now() >= deadline) {
          ended = { reason: 'timeout', exitCode: EXIT.TIMEOUT };
          return ended;
        }
        const o = await step();
        if (o.done) return o.end;
        try {
          await wait(o.delayMs);
        } catch (e) {
          const r = onFailure(e instanceof Stop ? e : stopCtl.signal.aborted ? stopCtl.signal.reason : e);
          if (r.done) return r.end;
        }
      }
    } finally {
      if (guardTimer) clearTimeout(guardTimer);
      externalSignal?.removeEventListener('abort', onExternalAbort);
    }
  }

  return { step, run, snapshot };
}
