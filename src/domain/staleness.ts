/**
 * How old an all-healthy latest event may get before it is stale: learned from the instance's own
 * cadence, not a constant.
 *
 * Feldera's monitor (`crates/pipeline-manager/src/cluster_monitor.rs`) checks api, compiler and
 * runner one after the other (each check may take up to its 5 s timeout), asks about their
 * resources (Kubernetes on Enterprise), writes, then sleeps 10 s. A healthy cluster records every
 * 60 rounds, so its healthy period is 60 × (10 s + round time): about 10 min on a quiet Community
 * install, 11–13 min where checks take 1–3 s, more where they are slower. A fixed 12-minute limit
 * would call a healthy Enterprise cluster "stale" every cycle.
 *
 * One missed recording is not a dead recorder. The loop resets its round counter *before* it
 * inserts, and a failed insert (a database hiccup) is not tried again until 60 rounds later; a
 * failed read of the latest event skips rounds too. So a healthy cluster can leave a gap of two
 * periods plus a round or so, and a limit of 1.5 periods called such a cluster stale for minutes.
 *
 * The rule:
 * - `--stale-after DURATION` always wins;
 * - `auto` (the default): 2.25 × the healthy period — the two periods of one missed recording,
 *   plus a quarter period (15 rounds) for skipped and slow rounds — so a stopped recorder is still
 *   caught within ~2.5 periods. The period is the median gap between consecutive all-healthy events
 *   of the retained history (learned where a command reads the list anyway); commands that make a
 *   single request use the period the last history-reading command stored for this profile.
 * - Never below the limit of the shortest possible period (60 rounds of at least 10 s: 10 min), and
 *   with no period known, the limit of the longest period the default covers (20 min: rounds with
 *   up to 10 s of checks).
 */
import type { ClusterEventStatus } from '../api/types.js';
import { usageError } from '../errors.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { oldestFirst, timeKey } from './order.js';
import { isAllHealthy } from './verdict.js';

const MIN = 60_000;

/** `--stale-after` as given: `auto`, or a fixed duration. */
export type StaleAfterSpec = { kind: 'auto' } | { kind: 'fixed'; ms: number };

export const AUTO: StaleAfterSpec = { kind: 'auto' };

/** Stale past this many healthy periods: one missed recording (2 periods) and a quarter period of slow or skipped rounds. */
export const STALE_PERIODS = 2.25;
/** The shortest healthy period there is: 60 rounds of at least 10 s. */
export const SHORTEST_PERIOD_MS = 10 * MIN;
/** The longest healthy period the default covers: rounds with up to 10 s of checks. */
export const DEFAULT_PERIOD_MS = 20 * MIN;
/** `auto` never goes below the limit of the shortest period (22m 30s). */
export const STALE_FLOOR_MS = SHORTEST_PERIOD_MS * STALE_PERIODS;
/** `auto` without a known period: the limit of the longest period it covers (45m). */
export const STALE_DEFAULT_MS = DEFAULT_PERIOD_MS * STALE_PERIODS;

/**
 * Gaps between all-healthy events that can be a healthy period: 60 rounds of at least 10 s is
 * 10 min (a little slack for timestamps). Shorter ones are a restarted manager's first round,
 * which is always recorded; much longer ones are a recorder that was down in between (60 rounds
 * with three 5 s timeouts and slow resource queries stay well under 40 min).
 */
export const PERIOD_MIN_MS = 9.5 * MIN;
export const PERIOD_MAX_MS = 40 * MIN;
/** Fewer usable gaps than this teach nothing: one odd gap must not set the limit. */
export const PERIOD_MIN_SAMPLES = 3;

/** Parse `--stale-after`: `auto`, or a duration of at least 1 s. A bad value is a usage error. */
export function parseStaleAfterSpec(text: string): StaleAfterSpec {
  const t = text.trim();
  if (t.toLowerCase() === 'auto') return AUTO;
  const ms = parseDuration(t);
  if (ms === undefined)
    throw usageError(`invalid --stale-after "${text}": expected auto or a duration such as 15m, 1h`);
  if (ms < 1000) throw usageError(`invalid --stale-after "${text}": must be at least 1s`);
  return { kind: 'fixed', ms };
}

export interface LearnedPeriod {
  periodMs: number;
  /** How many gaps it was learned from. */
  samples: number;
}

/** The usable gaps (ms) between consecutive all-healthy events, oldest first. */
export function healthyGaps(events: readonly ClusterEventStatus[]): number[] {
  const asc = oldestFirst(events);
  const gaps: number[] = [];
  for (let i = 1; i < asc.length; i++) {
    const a = asc[i - 1]!;
    const b = asc[i]!;
    if (!isAllHealthy(a) || !isAllHealthy(b)) continue;
    const gap = (timeKey(b.recorded_at) - timeKey(a.recorded_at)) / 1000;
    if (gap >= PERIOD_MIN_MS && gap <= PERIOD_MAX_MS) gaps.push(gap);
  }
  return gaps;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** This instance's healthy period from its history (the median usable gap), or how many gaps it had when too few. */
export function learnHealthyPeriod(
  events: readonly ClusterEventStatus[],
): LearnedPeriod | { samples: number; periodMs?: undefined } {
  const gaps = healthyGaps(events);
  if (gaps.length < PERIOD_MIN_SAMPLES) return { samples: gaps.length };
  return { periodMs: Math.round(median(gaps)), samples: gaps.length };
}

/** The limit for a healthy period: 2.25 periods, at least the floor. */
export function limitForPeriod(periodMs: number): number {
  return Math.max(STALE_FLOOR_MS, Math.round(periodMs * STALE_PERIODS));
}

/** The limit in force and where it came from, for the verdict and for saying so. */
export interface StaleLimit {
  ms: number;
  /** flag: `--stale-after`; learned: from this run's history; stored: learned by an earlier run; default: no period known. */
  source: 'flag' | 'learned' | 'stored' | 'default';
  periodMs?: number;
  /** Usable gaps the period was learned from (or, for `default` after reading a history, how few there were). */
  samples?: number;
  /** `stored`: when the period was learned (ms since the epoch). */
  learnedAt?: number;
}

/**
 * How far the server's `Date` may be from the local clock and still be believed: 5 minutes,
 * Kerberos's default for clock skew. NTP keeps servers (and Feldera's API server and database,
 * whose clocks make `Date` and `recorded_at`) within a second of true time; a laptop that drifts
 * is off by seconds to minutes. A larger difference is a clock that lies — `Date` echoing the
 * last check's time makes a stopped recorder look fresh — or a machine with its clock wrong; the
 * tool cannot tell which, says so, and judges by the local clock. So a lie of less than this can
 * make a stopped recorder noticed at most 5 minutes late (the shortest limit is 22m 30s).
 */
export const CLOCK_SKEW_LIMIT_MS = 5 * MIN;

/** The "now" ages are judged against, and whose clock it is. */
export interface JudgedClock {
  now: number;
  /** server: its `Date`; local: no usable `Date`, or one not believed (`skewMs` set). */
  source: 'server' | 'local';
  /** The server's `Date` minus the local clock, when it was too far off to be believed. */
  skewMs?: number;
}

/**
 * The server's `Date` when it is within CLOCK_SKEW_LIMIT_MS of the local clock, else the local
 * clock. `trustServer` (CLUSTER_SERVER_CLOCK=trust): the server's `Date` however far off — for a
 * machine whose own clock is known to be wrong, or a simulator at `--speed`, whose clock runs ahead.
 */
export function judgeClock(serverDate: number | undefined, localNow: number, trustServer = false): JudgedClock {
  if (serverDate === undefined) return { now: localNow, source: 'local' };
  if (trustServer) return { now: serverDate, source: 'server' };
  const skewMs = serverDate - localNow;
  if (Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS) return { now: localNow, source: 'local', skewMs };
  return { now: serverDate, source: 'server' };
}

/** `CLUSTER_SERVER_CLOCK=trust`: believe the server's `Date` however far it is from the local clock. */
export function trustsServerClock(env: Record<string, string | undefined>): boolean {
  return env.CLUSTER_SERVER_CLOCK?.trim().toLowerCase() === 'trust';
}

/** The warning for a server clock that was not believed: `… 3h behind this machine's …`. */
export function describeSkew(skewMs: number, host?: string): string {
  const whose = host ? `the clock of ${host}` : "the server's clock";
  const way = skewMs < 0 ? 'behind' : 'ahead of';
  return (
    `${whose} (its Date header) is ${formatDuration(Math.abs(skewMs))} ${way} this machine's, more than the ` +
    `${formatDuration(CLOCK_SKEW_LIMIT_MS)} clocks may differ: ages are judged by the local clock`
  );
}

export function fixedLimit(ms: number): StaleLimit {
  return { ms, source: 'flag' };
}

const ago = (ms: number) => (ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`);

/** Where a limit came from, as the end of "more than …": `--stale-after 30m`, `29m 15s, 2.25 × …`. */
export function describeLimit(l: StaleLimit, now?: number): string {
  const d = formatDuration(l.ms);
  switch (l.source) {
    case 'flag':
      return `--stale-after ${d}`;
    case 'learned':
    case 'stored': {
      const floor = l.ms > Math.round((l.periodMs ?? 0) * STALE_PERIODS);
      const when =
        l.source === 'learned'
          ? `learned from ${l.samples ?? 0} gaps in its retained history`
          : `learned${l.learnedAt !== undefined && now !== undefined ? ` ${ago(now - l.learnedAt)}` : ''} from its history`;
      return `${d}, ${floor ? 'the minimum for' : `${STALE_PERIODS} ×`} this instance's healthy period of ${formatDuration(l.periodMs ?? 0)} (${when})`;
    }
    case 'default':
      return l.samples !== undefined
        ? `${d}, the default: the retained history has too few healthy periods to learn this instance's (${l.samples} of ${PERIOD_MIN_SAMPLES})`
        : `${d}, the default until a command that reads the history (\`cluster event list\`) learns this instance's healthy period`;
  }
}

/** The limit and its source in a few words, for a note under a picture: `29m 15s (2.25 × this instance's healthy period of 13m)`. */
export function summarizeLimit(l: StaleLimit): string {
  const d = formatDuration(l.ms);
  if (l.source === 'flag') return `--stale-after ${d}`;
  if (l.source === 'default') return `${d} (the default: no healthy period known for this instance)`;
  return `${d} (${STALE_PERIODS} × this instance's healthy period of ${formatDuration(l.periodMs ?? 0)}, at least ${formatDuration(STALE_FLOOR_MS)})`;
}
