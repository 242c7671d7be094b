/**
 * The event list as a history: ordering, the client-side filters of `event list`, and the
 * parsing of the flags that feed them. Pure functions; nothing here prints or makes requests.
 *
 * The server sends the list newest first, ordered by `recorded_at` then `id`; every function
 * here re-establishes that order itself instead of trusting it.
 */

import type { ClusterEventStatus, Service } from '../api/types.js';
import { SERVICES } from '../api/types.js';
import { newestFirst, oldestFirst } from './order.js';

export { newestFirst };

import { usageError } from '../errors.js';
import { type When, whenAt } from '../util/when.js';
import { isAllHealthy } from './verdict.js';

/** An event with its `recorded_at` in ms since the epoch (microseconds dropped). */
export interface Timed<E extends ClusterEventStatus = ClusterEventStatus> {
  e: E;
  at: number;
}

/** `recorded_at` in ms. */
export function timeOf(e: Pick<ClusterEventStatus, 'recorded_at'>): number {
  return Date.parse(e.recorded_at);
}

/** Oldest first, each with its time. */
export function chronological<E extends ClusterEventStatus>(events: readonly E[]): Timed<E>[] {
  return oldestFirst(events).map((e) => ({ e, at: timeOf(e) }));
}

export interface ListFilter {
  /** Only events recorded at or after this time (ms). */
  since?: number;
  /** Only events recorded at or before this time (ms). */
  until?: number;
  /** Only events that are not all healthy (by the server's `all_healthy`). */
  unhealthy?: boolean;
  /** Only events where this service is not `Healthy`. */
  service?: Service;
  /** Keep the newest N matching events. */
  limit?: number;
  /** Oldest first (after the limit: `--limit 20 --reverse` is the last 20, in time order). */
  reverse?: boolean;
}

/** Apply the `event list` filters; returns the server's objects untouched, in display order. */
export function filterEvents<E extends ClusterEventStatus>(events: readonly E[], f: ListFilter): E[] {
  let out = chronological(events)
    .reverse()
    .filter(
      (t) =>
        (f.since === undefined || t.at >= f.since) &&
        (f.until === undefined || t.at <= f.until) &&
        (!f.unhealthy || !isAllHealthy(t.e)) &&
        (f.service === undefined || t.e[`${f.service}_status`] !== 'Healthy'),
    )
    .map((t) => t.e);
  if (f.limit !== undefined) out = out.slice(0, f.limit);
  if (f.reverse) out.reverse();
  return out;
}

/** `--limit N`: a whole number of at least 1. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) {
    throw usageError(`invalid --limit "${text}": expected a whole number of at least 1`);
  }
  return Number(t);
}

/** `--service`: one of the three services. */
export function parseService(text: string): Service {
  if (!(SERVICES as readonly string[]).includes(text)) {
    throw usageError(`invalid --service "${text}": expected one of ${SERVICES.join(', ')}`);
  }
  return text as Service;
}

export interface Window {
  since?: number;
  until?: number;
}

const ORDER_HINT = 'a duration counts back from now: --since 6h --until 2h is the four hours between';

/**
 * `--since` after `--until`, when that does not depend on "now" (both durations, or both times):
 * a usage error as the command line is read. Mixed ones are checked by `windowAt`.
 */
export function checkWindowOrder(since: When | undefined, until: When | undefined): void {
  if (!since || !until || since.kind !== until.kind) return;
  // Both count back from now: say it in their own words, not as times from a made-up "now".
  if (since.kind === 'ago' && since.ms < until.ms)
    throw usageError(`--since ${since.text} ago is after --until ${until.text} ago`, ORDER_HINT);
  if (since.kind === 'at') windowAt({ since, until }, 0);
}

/** The window against `now` (the server's clock). A window that ends before it starts is a usage error. */
export function windowAt(w: { since?: When | undefined; until?: When | undefined }, now: number): Window {
  const since = w.since && whenAt(w.since, now);
  const until = w.until && whenAt(w.until, now);
  if (since !== undefined && until !== undefined && since > until) {
    throw usageError(
      `--since (${new Date(since).toISOString()}) is after --until (${new Date(until).toISOString()})`,
      ORDER_HINT,
    );
  }
  return { since, until };
}

/**
 * Shortest id prefix (at least `min` characters of the canonical text) that tells every id in
 * `ids` apart, the same length for all so the column lines up. A cut right after a hyphen is
 * extended by one so a prefix never ends in `-`.
 */
export function shortIdLength(ids: readonly string[], min = 8): number {
  const sorted = [...new Set(ids.map((s) => s.toLowerCase()))].sort();
  let len = min;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    len = Math.max(len, common + 1);
  }
  const max = sorted.reduce((m, s) => Math.max(m, s.length), 0);
  const sample = sorted[0] ?? '';
  if (sample[len - 1] === '-') len++;
  return Math.min(len, Math.max(max, min));
}
