/**
 * A watch in progress: its settings, its state, and how it reports. The pure parts (cursor.ts,
 * backoff.ts, cadence.ts, stale-notice.ts) decide; the functions here and in poll.ts put what they
 * return into the state and give the notices they call for, in the order they are due.
 */
import type { ClusterEventStatus } from '../api/types.js';
import { STALE_DEFAULT_MS } from '../domain/staleness.js';
import { CliError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import {
  backoffAttempt,
  backoffDelay,
  classify,
  credentialRefreshed,
  failed,
  type Health,
  initialHealth,
  jittered,
  noEventsYet,
  type Transition,
} from './backoff.js';
import { type Cadence, initialCadence } from './cadence.js';
import { type Cursor, startCursor, whenNoEvents, whenStartFailed } from './cursor.js';
import { initialStaleness, type Said, type Staleness } from './stale-notice.js';
import { isStop, stopEnd } from './stop.js';
import type {
  StepOutcome,
  UntilCondition,
  WatchClient,
  WatchEnd,
  WatchNotice,
  WatchObserver,
  WatchOptions,
  WatchSnapshot,
} from './types.js';

/** The options with their defaults filled in. */
export interface Settings {
  intervalMs: number;
  jitter: number;
  random: () => number;
  /** Read at every judgement: a watch may learn the instance's healthy period as it goes. */
  readonly staleAfterMs: number;
  /** Believe the server's Date however far from the local clock. */
  trustServerClock: boolean;
  backoffBaseMs: number;
  backoffCapMs: number;
  until: UntilCondition | undefined;
  details: boolean;
  /** Skip the lists the monitor's cadence makes unnecessary (see cadence.ts). */
  shortcut: boolean;
  statusTickMs: number | undefined;
}

export interface State {
  cursor: Cursor;
  /** The event the next one's changes are judged against (the last shown, or the one before a replay). */
  lastShown: ClusterEventStatus | undefined;
  health: Health;
  staleness: Staleness;
  /** The server's clock has been said not to be believed. */
  clockSaid?: boolean;
  cadence: Cadence;
  polls: number;
  events: number;
  errors: number;
  lastPollAt: number | undefined;
  nextPollAt: number | undefined;
  ended: WatchEnd | undefined;
}

export interface Loop {
  readonly client: WatchClient;
  readonly clock: Clock;
  readonly obs: WatchObserver;
  readonly settings: Settings;
  /** Aborted with a stop token by the caller's signal or by the real-time guard of the deadline. */
  readonly stop: AbortController;
  /** The caller's signal: its reason picks the exit code. */
  readonly signal: AbortSignal | undefined;
  readonly startedAt: number;
  readonly deadline: number | undefined;
  /** The client's counters when the watch started: the snapshot counts from there. */
  readonly base: ReturnType<WatchClient['stats']>;
  readonly s: State;
}

export function createLoop(opts: WatchOptions): Loop {
  const { client, clock, intervalMs } = opts;
  const startedAt = clock.now();
  const staleAfter = opts.staleAfterMs ?? STALE_DEFAULT_MS;
  const settings: Settings = {
    intervalMs,
    jitter: opts.jitter ?? 0.1,
    random: opts.random ?? Math.random,
    get staleAfterMs() {
      return typeof staleAfter === 'function' ? staleAfter() : staleAfter;
    },
    backoffBaseMs: opts.backoffBaseMs ?? Math.min(intervalMs, 1000),
    // Never longer than the interval: a poll per interval is what a healthy watch costs anyway, and
    // longer waits only let a flaky link fall behind (at 50% failed requests a 60 s cap left it 94 s
    // behind on average, 6.5 min at the 95th percentile; capped at a 10 s interval, 12 s and 39 s).
    backoffCapMs: opts.backoffCapMs ?? intervalMs,
    until: opts.until,
    trustServerClock: opts.trustServerClock ?? false,
    details: opts.details ?? false,
    shortcut: opts.skipProvableLists !== false,
    statusTickMs: opts.statusTickMs,
  };
  const s: State = {
    cursor: startCursor(opts.since),
    lastShown: undefined,
    health: initialHealth,
    staleness: initialStaleness,
    cadence: initialCadence,
    polls: 0,
    events: 0,
    errors: 0,
    lastPollAt: undefined,
    nextPollAt: undefined,
    ended: undefined,
  };
  const deadline = opts.timeoutMs !== undefined ? startedAt + opts.timeoutMs : undefined;
  const base = client.stats();
  return {
    client,
    clock,
    obs: opts.observer ?? {},
    settings,
    stop: new AbortController(),
    signal: opts.signal,
    startedAt,
    deadline,
    base,
    s,
  };
}

export function snapshot(w: Loop): WatchSnapshot {
  const { s } = w;
  const stats = w.client.stats();
  return {
    startedAt: w.startedAt,
    now: w.clock.now(),
    polls: s.polls,
    events: s.events,
    errors: s.errors,
    requests: stats.requests - w.base.requests,
    bytes: stats.bytesReceived - w.base.bytesReceived,
    lastPollAt: s.lastPollAt,
    nextPollAt: s.nextPollAt,
    outageSince: s.health.outage?.since,
    stale: s.staleness.now,
    lastSeenId: s.cursor.kind === 'after' ? s.cursor.event.id : undefined,
  };
}

export function notice(w: Loop, n: WatchNotice): void {
  w.obs.notice?.(n);
}

/** Take a transition of the back-off state and give the notices it calls for. */
export function apply(w: Loop, t: Transition): void {
  w.s.health = t.health;
  for (const n of t.notices) notice(w, n);
}

/** Take a staleness verdict and give its notice. */
export function say(w: Loop, t: Said): void {
  w.s.staleness = t.staleness;
  if (t.notice) notice(w, t.notice);
}

export function end(w: Loop, e: WatchEnd): StepOutcome {
  w.s.ended = e;
  return { done: true, end: e };
}

export function fatal(w: Loop, error: CliError): StepOutcome {
  return end(w, { reason: 'fatal', error, exitCode: error.exitCode });
}

/** The wait after a poll, or after an answer that there is nothing yet. */
export function intervalDelay(w: Loop): number {
  return jittered(w.settings.intervalMs, w.settings.jitter, w.settings.random);
}

/** What a failed request (or a stop) means for the loop; `stage`: which request of the poll failed. */
export function onFailure(w: Loop, e: unknown, stage: 'latest' | 'list' = 'latest'): StepOutcome {
  if (isStop(e)) return end(w, stopEnd(w.signal));
  if (!(e instanceof CliError)) throw e;
  const { s, settings } = w;
  const f = classify(e, s.health.hadAnswer);
  if (f.kind === 'no-events') {
    apply(w, noEventsYet(s.health, w.clock.now()));
    s.cursor = whenNoEvents(s.cursor);
    return { done: false, delayMs: intervalDelay(w), changed: false };
  }
  s.errors++;
  if (f.kind === 'credential') {
    // Retry at once with the new credential; a second refusal before a whole poll went through is final.
    if (s.health.credentialRefreshed || !w.client.refreshCredential()) return fatal(w, f.error);
    apply(w, credentialRefreshed(s.health, f.error.status));
    return { done: false, delayMs: 0, changed: false };
  }
  if (f.kind === 'outage') {
    s.cursor = whenStartFailed(s.cursor, w.startedAt);
    apply(w, failed(s.health, w.clock.now(), f.error.message, stage));
    const delay = backoffDelay(backoffAttempt(s.health), settings.backoffBaseMs, settings.backoffCapMs);
    return { done: false, delayMs: jittered(delay, settings.jitter, settings.random), changed: false };
  }
  return fatal(w, f.error);
}

/** Every outcome of a poll: when the next one is due, and a status report. */
export function report(w: Loop, o: StepOutcome): StepOutcome {
  w.s.nextPollAt = o.done ? undefined : w.clock.now() + o.delayMs;
  if (w.obs.status) w.obs.status(snapshot(w));
  return o;
}
