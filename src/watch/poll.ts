/**
 * One poll (`step`): the requests it makes and the order in which it reports. It never sleeps;
 * the outcome says when the next poll is due.
 *  1. `GET …/latest?selector=status`: the only request when nothing changed;
 *  2. news: the batch since the cursor, from the latest alone when the cursor or the monitor's
 *     cadence allows it, else from `GET /v0/cluster/events` (with `details`, `selector=all` once
 *     for an event where a service turned unhealthy);
 *  3. what the newest event says about now (staleness, `until`), and the wait before the next poll.
 */
import type { Answer } from '../api/client.js';
import type { ClusterEvent, ClusterEventStatus } from '../api/types.js';
import { changesBetween, servicesTurnedUnhealthy } from '../domain/order.js';
import { judgeClock } from '../domain/staleness.js';
import { CliError } from '../errors.js';
import { answered, heard, pollDone } from './backoff.js';
import { earlyLook, firstLook, learnCadence, listRead, provablyNext, sawLatest, skipped } from './cadence.js';
import {
  type Batch,
  batchFromList,
  cursorAfter,
  cursorKey,
  isNews,
  latestAlone,
  needsList,
  newestAfter,
  startOnServerClock,
} from './cursor.js';
import { apply, end, fatal, intervalDelay, type Loop, notice, onFailure, report, say } from './loop.js';
import { judgeStaleness, resumed, type StaleVerdict, staleAfterPoll, untilHolds, untilMetBy } from './stale-notice.js';
import { abortable, isStop } from './stop.js';
import type { StepOutcome, UntilCondition, WatchedEvent } from './types.js';

export async function step(w: Loop): Promise<StepOutcome> {
  const { s } = w;
  if (s.ended) return { done: true, end: s.ended };
  if (w.stop.signal.aborted) return onFailure(w, w.stop.signal.reason);
  s.polls++;
  s.lastPollAt = w.clock.now();
  let latest: Answer<ClusterEvent>;
  try {
    latest = await abortable(w.stop.signal, () => w.client.getEvent('latest', 'status'));
  } catch (e) {
    return report(w, onFailure(w, e));
  }
  s.health = heard(s.health);
  const changed = isNews(s.cursor, latest.data);
  const b = changed ? await batchFor(w, latest) : undefined;
  if (b && 'done' in b) return report(w, b);
  // The newest event once this poll's events are out, judged before they are: the last of them may be shown as stale.
  const newest = b ? newestAfter(b, latest.data) : (s.lastShown ?? latest.data);
  const clock = judgeClock(latest.serverDate, w.clock.now(), w.settings.trustServerClock);
  if (clock.skewMs !== undefined && !s.clockSaid) {
    s.clockSaid = true;
    notice(w, { kind: 'clock', skewMs: clock.skewMs });
  }
  const verdict = judgeStaleness(
    newest,
    latest.serverDate,
    w.clock.now(),
    w.settings.staleAfterMs,
    w.settings.trustServerClock,
  );
  // Unchanged: that was the whole poll (one request, one status answer); only staleness can move.
  if (!b) apply(w, answered(s.health, w.clock.now()));
  else {
    const stopped = await showNews(w, b, verdict.stale);
    if (stopped) return report(w, stopped);
  }
  return report(w, settle(w, latest, changed, newest, verdict));
}

/** Show every event since the cursor. An outcome only when the poll ends here (failure, stop, `until`). */
async function showNews(w: Loop, b: Batch, newestStale: boolean): Promise<StepOutcome | undefined> {
  const { s } = w;
  // Seen live: events after the cursor, those recorded after the start (an outage at start, or no
  // event yet when it started). Only the latest at start and a --since replay are not.
  const live = s.cursor.kind !== 'start' && s.cursor.kind !== 'since';
  if (b.lost) notice(w, b.lost);
  s.cursor = b.cursor;
  s.lastShown = b.previous;
  // Everything needed is in hand: an outage is over (its gap follows, filled from the list).
  apply(w, answered(s.health, w.clock.now()));
  if (!b.replay) say(w, resumed(s.staleness, b.events[0], b.previous));
  let met: UntilCondition | undefined;
  try {
    met = await show(w, b, live, newestStale);
  } catch (e) {
    return onFailure(w, e);
  }
  if (b.replay) notice(w, { kind: 'replayed', count: b.events.length });
  return met ? untilMet(w, met) : undefined;
}

/** The latest alone when the cursor or the cadence allows it; otherwise the list, checked for what was skipped. */
async function batchFor(w: Loop, latest: Answer<ClusterEvent>): Promise<Batch | StepOutcome> {
  const { s } = w;
  if (!needsList(s.cursor)) {
    s.cadence = firstLook(s.cadence, latest.serverDate);
    return latestAlone(s.cursor, s.lastShown, latest.data);
  }
  const key = cursorKey(s.cursor);
  if (w.settings.shortcut && key && provablyNext(s.cadence, key, latest.data, latest.serverDate)) {
    s.cadence = skipped(s.cadence, key, latest.data.id);
    return latestAlone(s.cursor, s.lastShown, latest.data);
  }
  let list: Answer<ClusterEvent[]>;
  try {
    list = await abortable(w.stop.signal, () => w.client.listEvents());
  } catch (e) {
    return onFailure(w, e, 'list');
  }
  const read = listRead(s.cadence, latest.serverDate, list.data, key);
  s.cadence = read.cadence;
  showLate(w, read.late);
  const serverNow = judgeClock(latest.serverDate, w.clock.now(), w.settings.trustServerClock).now;
  const startedAt =
    s.cursor.kind === 'from' ? startOnServerClock(s.cursor.localStart, w.clock.now(), latest.serverDate) : serverNow;
  const b = batchFromList(s.cursor, s.lastShown, list.data, latest.data, serverNow, startedAt);
  return b instanceof CliError ? fatal(w, b) : b;
}

/** Report a batch, oldest first; the `until` condition when one of its live events meets it. */
async function show(w: Loop, b: Batch, live: boolean, newestStale: boolean): Promise<UntilCondition | undefined> {
  const { s } = w;
  const until = live ? w.settings.until : undefined;
  const newest = b.events.at(-1);
  for (const e of b.events) {
    const prev = s.lastShown;
    s.cadence = learnCadence(s.cadence, prev, e);
    const { event, detailed } = await withDetails(w, e, prev);
    // The cursor moves only once the event is out: a stop in between shows it again next time, never skips it.
    s.lastShown = e;
    s.cursor = cursorAfter(e);
    s.events++;
    const stale = newestStale && e === newest;
    w.obs.event?.({ event, previous: prev, changes: changesBetween(prev, e), detailed, replay: b.replay, stale });
    if (until && untilMetBy(until, prev, e)) return until;
  }
  return undefined;
}

/** With `details`, the service reports of an event where a service turned unhealthy (a failure is a warning). */
async function withDetails(
  w: Loop,
  e: ClusterEventStatus,
  prev: ClusterEventStatus | undefined,
): Promise<Pick<WatchedEvent, 'event' | 'detailed'>> {
  const turned = w.settings.details ? servicesTurnedUnhealthy(prev, e) : [];
  if (turned.length === 0) return { event: e, detailed: [] };
  try {
    const full = await abortable(w.stop.signal, () => w.client.getEvent(e.id, 'all'));
    return { event: full.data, detailed: turned };
  } catch (err) {
    if (isStop(err) || !(err instanceof CliError)) throw err;
    w.s.errors++;
    notice(w, { kind: 'details-failed', id: e.id, reason: err.message });
    return { event: e, detailed: [] };
  }
}

/** Events a list showed that the shortcut skipped: report them, late (only if the monitor broke its cadence). */
function showLate(w: Loop, late: readonly ClusterEventStatus[]): void {
  if (late.length === 0) return;
  notice(w, { kind: 'late', count: late.length });
  for (const e of late) {
    w.s.events++;
    w.obs.event?.({
      event: e,
      previous: undefined,
      changes: [],
      detailed: [],
      replay: false,
      stale: false,
      late: true,
    });
  }
}

/** After the events: what the newest one says about now, and when to poll next. */
function settle(
  w: Loop,
  latest: Answer<ClusterEvent>,
  changed: boolean,
  newest: ClusterEventStatus,
  verdict: StaleVerdict,
): StepOutcome {
  const { s, settings } = w;
  // `latest` was the latest at this answer's Date: the next event cannot come within a round of it.
  s.cadence = sawLatest(s.cadence, cursorKey(s.cursor), latest.data, latest.serverDate);
  say(w, staleAfterPoll(s.staleness, verdict, newest, settings.staleAfterMs));
  // As a state: at once when it already holds; `unhealthy` during the watch is caught per event.
  if (settings.until && untilHolds(settings.until, newest, s.staleness.now)) return untilMet(w, settings.until);
  s.health = pollDone(s.health);
  const next = { intervalMs: settings.intervalMs, delayMs: intervalDelay(w), serverDate: latest.serverDate };
  return {
    done: false,
    delayMs: settings.shortcut ? earlyLook(s.cadence, newest, s.staleness.now, next) : next.delayMs,
    changed,
  };
}

function untilMet(w: Loop, condition: UntilCondition): StepOutcome {
  return end(w, { reason: 'until', condition, exitCode: 0 });
}
