/**
 * Hooks beside the watch renderer: an observer that passes everything to the renderer first (the
 * line is printed before its hook starts) and decides which hook runs follow (payload.ts says
 * when, per `--exec-on`). The watch engine is untouched: it sees one observer, as before.
 *
 * In transition mode the observer keeps the verdict that holds now and feeds it to the alert
 * (transition.ts): events and the stale notice set it; the outage notices lay `unreachable` over
 * it while the server cannot be read. When an outage ends, the events that follow in the same poll
 * (the gap, filled from the list) say what holds; a poll that brings none leaves the verdict of the
 * last event. Time is checked on every report of the engine (after every poll at least), so
 * `--for`, `--repeat` and `--exec-min-interval` are exact to one poll.
 */
import type { ClusterEvent } from '../api/types.js';
import { changesBetween } from '../domain/order.js';
import { eventVerdict, type Verdict } from '../domain/verdict.js';
import { noticeJson } from '../render/watch.js';
import type { WatchedEvent, WatchNotice, WatchObserver, WatchSnapshot } from '../watch/types.js';
import { type ExecOn, type HookCall, type HookSubject, shouldRun } from './payload.js';
import { initialAlert, type Quiet, type Step, see, type Timing, tick } from './transition.js';

export interface HookObserverOptions {
  on: ExecOn;
  /** `--for` and `--repeat` (transition mode). */
  timing: Timing;
  /** The watch's clock. */
  now(): number;
  /** A hook run is due (before `--exec-min-interval`). */
  run(call: Omit<HookCall, 'suppressed'>): void;
  /** Called after every report of the engine, once the runs it brought are out; `pollDone` after a whole poll. */
  tick(now: number, pollDone: boolean): void;
  /** What ran nothing but is worth a `--verbose` line (a flap, a pending verdict). */
  quiet?(q: Quiet): void;
}

/** The verdict of a line, as watch prints it: stale only for the newest event, all healthy but too old. */
export function lineVerdict(w: Pick<WatchedEvent, 'event' | 'stale'>): Verdict {
  return eventVerdict(w.event, w.stale);
}

export function withHooks(inner: WatchObserver, o: HookObserverOptions): WatchObserver {
  const hooks = o.on === 'transition' ? transitionHooks(o) : lineHooks(o.on, o);
  return {
    event(w) {
      inner.event?.(w);
      hooks.event(w);
      o.tick(o.now(), false);
    },
    notice(n) {
      inner.notice?.(n);
      hooks.notice(n);
      o.tick(o.now(), false);
    },
    status(s: WatchSnapshot) {
      inner.status?.(s);
      hooks.status();
      o.tick(o.now(), true);
    },
  };
}

interface Hooks {
  event(w: WatchedEvent): void;
  notice(n: WatchNotice): void;
  status(): void;
}

/** `every` and `change`: a hook per line (or per changed line), the stale notice included. */
function lineHooks(on: Exclude<ExecOn, 'transition'>, o: HookObserverOptions): Hooks {
  let previous: Verdict | undefined;
  let last: ClusterEvent | undefined;
  const offer = (s: HookSubject) => {
    if (shouldRun(on, s)) o.run({ subject: s, at: o.now() });
    previous = s.verdict;
  };
  return {
    event(w) {
      last = w.event;
      offer({ event: w.event, verdict: lineVerdict(w), previous, changes: w.changes });
    },
    notice(n) {
      // The newest event, shown before, has gone stale: its line said healthy, this one says otherwise.
      if (n.kind === 'stale' && last && previous !== 'stale')
        offer({ event: last, verdict: 'stale', previous, changes: [] });
    },
    status() {},
  };
}

/** `transition`: one alert, firing while the verdict is bad, resolved when it is healthy again. */
function transitionHooks(o: HookObserverOptions): Hooks {
  let alert = initialAlert;
  /** The verdict of the events (and the stale notice), under any outage. */
  let underlying: Verdict | undefined;
  let lastEvent: ClusterEvent | undefined;
  let previousLine: Verdict | undefined;
  /** An outage is going on: the subject of its notice. */
  let outage: HookSubject | undefined;
  /** The outage ended in this poll: the events that follow say what holds, else the last one does. */
  let ended: HookSubject | undefined;
  /** The newest subject with a bad verdict: what a firing (or repeat) run is about. */
  let bad: HookSubject | undefined;
  /** The last event shown while healthy: a firing run's changes are counted from it. */
  let lastGood: ClusterEvent | undefined;

  /** A firing run is about the newest bad line, with every status change since the cluster was last healthy. */
  const firingSubject = (s: HookSubject): HookSubject =>
    s.event && lastGood ? { ...s, changes: changesBetween(lastGood, s.event) } : s;
  const follow = (step: Step, subject: HookSubject | undefined) => {
    alert = step.alert;
    for (const q of step.quiet) o.quiet?.(q);
    for (const run of step.runs) {
      const about = run.kind === 'firing' ? (bad ?? subject) : subject;
      if (about) o.run({ subject: run.kind === 'firing' ? firingSubject(about) : about, at: o.now(), transition: run });
    }
  };
  const judge = (subject: HookSubject) => {
    const v = outage ? 'unreachable' : underlying;
    if (v === undefined) return;
    if (v !== 'healthy') bad = outage ?? subject;
    follow(see(alert, v, o.now(), o.timing), subject);
  };
  const reachable = (subject: HookSubject) => {
    outage = undefined;
    ended = undefined;
    judge(subject);
  };

  return {
    event(w) {
      // An event found late, out of order, is older than what holds now.
      if (w.late) return;
      const verdict = lineVerdict(w);
      const subject: HookSubject = { event: w.event, verdict, previous: previousLine, changes: w.changes };
      underlying = verdict;
      lastEvent = w.event;
      previousLine = verdict;
      if (verdict === 'healthy') lastGood = w.event;
      // An event is an answer: whatever outage there was is over.
      outage = undefined;
      ended = undefined;
      judge(subject);
    },
    notice(n) {
      const line = noticeJson(n);
      switch (n.kind) {
        case 'stale':
          underlying = 'stale';
          judge({
            event: lastEvent,
            verdict: 'stale',
            previous: previousLine,
            changes: [],
            ...(line && { notice: line }),
          });
          previousLine = 'stale';
          return;
        case 'no-events':
          // Nothing recorded yet: a fresh instance is starting (domain/verdict.ts).
          underlying ??= 'starting';
          judge({
            event: undefined,
            notice: { notice: 'no-events', verdict: 'starting' },
            verdict: 'starting',
            previous: previousLine,
            changes: [],
          });
          return;
        case 'outage-start':
          outage = {
            event: undefined,
            verdict: 'unreachable',
            previous: previousLine,
            changes: [],
            reason: n.reason,
            ...(line && { notice: line }),
          };
          ended = undefined;
          judge(outage);
          return;
        case 'outage-end':
          if (!outage) return;
          ended = {
            event: lastEvent,
            verdict: underlying ?? 'unreachable',
            previous: 'unreachable',
            changes: [],
            ...(!lastEvent && line && { notice: line }),
          };
          return;
        default:
          return;
      }
    },
    status() {
      // The poll that ended the outage brought no event: the last one's verdict holds.
      if (ended) reachable(ended);
      follow(tick(alert, o.now(), o.timing), undefined);
    },
  };
}
