/**
 * The verdict in words, marks and colours — one vocabulary for every view (README "Output
 * conventions"): the word is the verdict itself (`healthy`, `starting`, `unhealthy`, `stale`,
 * `unreachable`), each has a mark readable without colour, and "since when" is said the same way
 * everywhere. Pure: a chalk instance is handed in where colour is wanted (level 0 paints nothing).
 */
import type { ChalkInstance } from 'chalk';
import type { MonitorStatus, Service } from '../api/types.js';
import type { ClusterVerdict, Verdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import { formatAge, formatTimestamp } from './time.js';

/** The verdict's mark, distinct for each so a plain terminal or a log tells them apart. */
export const VERDICT_MARK: Readonly<Record<Verdict, string>> = {
  healthy: '✓',
  starting: '…',
  unhealthy: '✗',
  stale: '!',
  unreachable: '?',
};

/** A verdict (or text standing for it) in the verdict's colour, bold: Feldera's console colours, stale magenta, unreachable grey. */
export function paintVerdict(c: ChalkInstance, verdict: Verdict, text: string = verdict): string {
  const paint: Record<Verdict, (s: string) => string> = {
    healthy: c.green.bold,
    starting: c.yellow.bold,
    unhealthy: c.red.bold,
    stale: c.magenta.bold,
    unreachable: c.red.bold,
  };
  return paint[verdict](text);
}

/** `✗ unhealthy`, painted. */
export function verdictCell(c: ChalkInstance, verdict: Verdict): string {
  return paintVerdict(c, verdict, `${VERDICT_MARK[verdict]} ${verdict}`);
}

/** How a status reads in a verdict's summary: `starting` for InitialUnhealthy, else the status itself. */
function statusWord(status: MonitorStatus): string {
  return status === 'InitialUnhealthy' ? 'starting (InitialUnhealthy)' : status;
}

function serviceList(services: readonly Service[]): string {
  if (services.length <= 1) return services.join('');
  return `${services.slice(0, -1).join(', ')} and ${services.at(-1)}`;
}

/**
 * What the services say, in a few words: `compiler Unhealthy`, `runner starting (InitialUnhealthy)`,
 * `compiler Unhealthy, runner starting (InitialUnhealthy)`, `api, compiler and runner healthy`.
 */
export function servicesSummary(v: ClusterVerdict): string {
  if (v.services.length === 0) return '';
  if (v.failing.length === 0) {
    return v.mismatch ? 'the server says all_healthy is false' : 'api, compiler and runner healthy';
  }
  const byStatus = new Map<MonitorStatus, Service[]>();
  for (const s of v.failing) {
    const status = v.services.find((x) => x.service === s)?.status ?? 'Unhealthy';
    byStatus.set(status, [...(byStatus.get(status) ?? []), s]);
  }
  return [...byStatus].map(([status, services]) => `${serviceList(services)} ${statusWord(status)}`).join(', ');
}

export interface SinceView {
  /** The "now" ages are judged against (the server's clock). */
  now: number;
  utc: boolean;
}

/** The same calendar day in the zone the times are shown in. */
function sameDay(a: number, b: number, utc: boolean): boolean {
  return formatTimestamp(a, utc).slice(0, 10) === formatTimestamp(b, utc).slice(0, 10);
}

/**
 * A moment for a headline: `14:02` today, `2026-12-06 14:02` on another day (with `Z` in UTC).
 * The date is never left out when it is not today, so "since 02:29" cannot mean yesterday.
 */
export function formatMoment(ms: number, view: SinceView): string {
  const full = formatTimestamp(ms, view.utc);
  const hhmm = `${full.slice(11, 16)}${view.utc ? 'Z' : ''}`;
  return sameDay(ms, view.now, view.utc) ? hhmm : `${full.slice(0, 10)} ${hhmm}`;
}

/** `since 14:02 (12m ago)`, `since 2026-12-06 14:02 (1d 2h ago)`, or `since unknown`. */
export function sinceText(since: number | undefined, view: SinceView): string {
  if (since === undefined) return 'since unknown';
  return `since ${formatMoment(since, view)} (${formatAge(view.now - since)})`;
}

/**
 * Why the verdict is what it is, in one line: the services' summary, the age of a stale check
 * against its limit, or what kept the answer away. `limit` describes the stale limit and where it
 * came from (domain/staleness.ts describeLimit).
 */
export function verdictReason(v: ClusterVerdict, limit?: string): string {
  switch (v.verdict) {
    case 'stale':
      if ((v.ageMs ?? 0) < 0) return futureReason(v.ageMs ?? 0);
      return (
        `no check for ${formatDuration(v.ageMs ?? 0)} (more than ${limit ?? formatDuration(v.staleAfterMs ?? 0)}): ` +
        'the monitor has stopped recording, so its "all healthy" is out of date and current health is unknown'
      );
    case 'unreachable':
    case 'starting':
      if (v.problem) return sanitizeLine(v.problem.message);
      return servicesSummary(v);
    default:
      return servicesSummary(v);
  }
}

/** The age of a check in words: `52m old`, or `dated 2h in the future` for a negative age. */
export function checkAge(ageMs: number): string {
  return ageMs < 0 ? `dated ${formatDuration(-ageMs)} in the future` : `${formatDuration(ageMs)} old`;
}

/** Why a check dated in the future is stale (domain/verdict.ts FUTURE_TOLERANCE_MS). */
export function futureReason(ageMs: number): string {
  return (
    `the latest check is ${checkAge(ageMs)}: its age cannot be judged, so its "all healthy" cannot be ` +
    'trusted and current health is unknown'
  );
}
