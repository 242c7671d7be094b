/**
 * The one verdict: is this Feldera healthy, and since when. Decided here, once; every view — the
 * status table and rows, the JSON objects the tool makes, the fleet, nagios, the exporter, event
 * get and list, watch lines, hooks — renders a `ClusterVerdict` with the words of `VERDICTS` and
 * the exit codes of `VERDICT_EXIT` (README "Exit codes").
 *
 * - healthy: all three services `Healthy` (by their statuses and by the server's `all_healthy`),
 *   and the latest check is fresh;
 * - starting: not all healthy, but every service that is not has not passed a check yet
 *   (`InitialUnhealthy`), or the monitor has recorded nothing yet — a fresh instance;
 * - unhealthy: a service is `Unhealthy`, or the server's `all_healthy` is false although every
 *   status says `Healthy` (a flag that contradicts the statuses is not healthy);
 * - stale: the latest check says all healthy but is older than a healthy cluster would leave it
 *   (domain/staleness.ts): the recorder stopped and current health is unknown. Only an all-healthy
 *   check goes stale: while not all healthy, Feldera records with back-off, so long gaps are normal;
 * - unreachable: no health answer could be read (no answer, TLS, a timeout, a refused credential,
 *   a server or proxy error, an answer that cannot be read).
 *
 * Starting exits 2 like unhealthy: it is retrieved and not all healthy, and a script that waits for
 * healthy must keep waiting through it.
 */
import { type ClusterEventStatus, type MonitorStatus, SERVICES, type Service } from '../api/types.js';

export const VERDICTS = ['healthy', 'starting', 'unhealthy', 'stale', 'unreachable'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the statuses of one check say, before its age is considered. */
export type CheckVerdict = Extract<Verdict, 'healthy' | 'starting' | 'unhealthy'>;

/** The exit code of every command that answers "is it healthy" (README "Exit codes"). */
export const VERDICT_EXIT: Readonly<Record<Verdict, number>> = {
  healthy: 0,
  starting: 2,
  unhealthy: 2,
  stale: 3,
  unreachable: 1,
};

export function verdictExit(v: Verdict): number {
  return VERDICT_EXIT[v];
}

/** A service in a verdict: its monitor status and since when it has had it. */
export interface ServiceState {
  service: Service;
  status: MonitorStatus;
  /**
   * The status was read from the event the answer was made from. False: `/v0/cluster_healthz` said
   * only "not healthy" and no matching event was read, so it counts as `Unhealthy`, the worse one.
   */
  exact: boolean;
  /** Since when the service has had this status (ms since the epoch), when that is known. */
  since: number | undefined;
}

/** The verdict of one instance at one moment. */
export interface ClusterVerdict {
  verdict: Verdict;
  /** Since when the verdict has held (ms since the epoch), when that is known. */
  since: number | undefined;
  /** The latest check (ms since the epoch); undefined when there is none (unreachable, no events yet). */
  checkedAt: number | undefined;
  /** Its age by the server's clock (the local one when the server sent no Date). */
  ageMs: number | undefined;
  /** The stale limit the check was judged by; undefined for a check that cannot go stale (not the latest). */
  staleAfterMs: number | undefined;
  /** One per service, in SERVICES order; empty when nothing was read. */
  services: ServiceState[];
  /** Services that are not `Healthy`, `Unhealthy` ones first. */
  failing: Service[];
  /** The server's `all_healthy` disagrees with its statuses: what it said, for a warning. */
  mismatch: string | undefined;
  /** Why nothing could be read (unreachable), or why there is nothing to judge yet (no events). */
  problem: { kind: string; message: string } | undefined;
  /**
   * The server's `Date` was not believed (domain/staleness.ts judgeClock): how far it was from the
   * local clock (server − local, ms), which the age was judged by instead.
   */
  clockSkewMs?: number;
}

const SEVERITY: Readonly<Record<MonitorStatus, number>> = { Healthy: 0, InitialUnhealthy: 1, Unhealthy: 2 };

/** Rank for "worst status": Healthy < InitialUnhealthy < Unhealthy. */
export function severity(status: MonitorStatus): number {
  return SEVERITY[status];
}

export type Statuses = Readonly<Record<Service, MonitorStatus>>;

/** The three statuses of an event. */
export function statusesOf(e: ClusterEventStatus): Statuses {
  return { api: e.api_status, compiler: e.compiler_status, runner: e.runner_status };
}

/** `all_healthy` as the statuses say it should be (the server's flag is shown as sent; a mismatch is worth a warning). */
export function computedAllHealthy(e: ClusterEventStatus): boolean {
  return SERVICES.every((s) => e[`${s}_status`] === 'Healthy');
}

/** Healthy by both the server's flag and its statuses (a disagreement counts as not healthy). */
export function isAllHealthy(e: ClusterEventStatus): boolean {
  return e.all_healthy && computedAllHealthy(e);
}

/** Healthy, starting or unhealthy, from the statuses and the server's flag. */
export function checkVerdict(statuses: Statuses, allHealthy: boolean): CheckVerdict {
  const failing = SERVICES.filter((s) => statuses[s] !== 'Healthy');
  if (failing.length === 0) return allHealthy ? 'healthy' : 'unhealthy';
  return failing.every((s) => statuses[s] === 'InitialUnhealthy') ? 'starting' : 'unhealthy';
}

/** The verdict of one event as a line or row shows it: `stale` is decided by the caller, for the newest event only. */
export function eventVerdict(event: ClusterEventStatus, stale = false): Verdict {
  const v = checkVerdict(statusesOf(event), event.all_healthy);
  return v === 'healthy' && stale ? 'stale' : v;
}

/** Age of an event by the server's clock (falls back to `localNow` when the server sent no Date). */
export function eventAge(
  event: Pick<ClusterEventStatus, 'recorded_at'>,
  serverNow: number | undefined,
  localNow: number,
): number {
  return (serverNow ?? localNow) - Date.parse(event.recorded_at);
}

/**
 * How far in the future a check may be dated and still be judged: `recorded_at` comes from the
 * database's clock, the "now" from the API server's `Date` (or the local clock): two clocks,
 * normally within a second of each other. Further ahead, its age cannot be known.
 */
export const FUTURE_TOLERANCE_MS = 60_000;

/** Older than the limit, or dated further in the future than clocks differ: not fresh. */
export function tooOld(ageMs: number, staleAfterMs: number): boolean {
  return ageMs > staleAfterMs || ageMs < -FUTURE_TOLERANCE_MS;
}

/**
 * An all-healthy check older than the limit: the recorder stopped. One dated in the future
 * (beyond FUTURE_TOLERANCE_MS) is stale too: its age cannot be judged, and a negative age must
 * never make a check fresh.
 */
export function isStale(event: ClusterEventStatus, ageMs: number, staleAfterMs: number): boolean {
  return isAllHealthy(event) && tooOld(ageMs, staleAfterMs);
}

function mismatchOf(statuses: Statuses, allHealthy: boolean): string | undefined {
  const failing = SERVICES.filter((s) => statuses[s] !== 'Healthy');
  if (allHealthy && failing.length > 0) {
    return `the server says all_healthy is true, but ${failing.map((s) => `${s} is ${statuses[s]}`).join(', ')}`;
  }
  if (!allHealthy && failing.length === 0)
    return 'the server says all_healthy is false, but all three services are Healthy';
  return undefined;
}

/** What one check said: the statuses (exact or inferred), the server's flag, when, and each service's since. */
export interface Check {
  statuses: Statuses;
  /** Per service: read from the event itself (true), or inferred from `healthy` (false). Default: all exact. */
  exact?: Readonly<Partial<Record<Service, boolean>>>;
  allHealthy: boolean;
  checkedAt: number;
  /** Since when each service has had its status (ms), where known. */
  since?: Readonly<Partial<Record<Service, number | undefined>>>;
}

export interface JudgeOptions {
  /** The "now" the age is judged against: the server's Date, else the local clock. */
  now: number;
  /** The stale limit; undefined for a check that cannot go stale (an event that is not the latest). */
  staleAfterMs: number | undefined;
  /** The server's clock was not believed: how far it was from the local one (server − local, ms). */
  clockSkewMs?: number;
}

/**
 * Since when the cluster has been as it is: healthy since the last service became healthy (all
 * must be known); starting or unhealthy since the first failing service began to fail (all failing
 * must be known); stale since the last check.
 */
function clusterSince(verdict: Verdict, services: readonly ServiceState[], checkedAt: number): number | undefined {
  if (verdict === 'stale') return checkedAt;
  const relevant = verdict === 'healthy' ? services : services.filter((s) => s.status !== 'Healthy');
  if (relevant.length === 0 || relevant.some((s) => s.since === undefined)) return undefined;
  const times = relevant.map((s) => s.since as number);
  return verdict === 'healthy' ? times.reduce((a, b) => Math.max(a, b)) : times.reduce((a, b) => Math.min(a, b));
}

/** The verdict of a check that was read. */
export function judge(check: Check, opts: JudgeOptions): ClusterVerdict {
  const services: ServiceState[] = SERVICES.map((service) => ({
    service,
    status: check.statuses[service],
    exact: check.exact?.[service] ?? true,
    since: check.since?.[service],
  }));
  const base = checkVerdict(check.statuses, check.allHealthy);
  const ageMs = opts.now - check.checkedAt;
  const stale = base === 'healthy' && opts.staleAfterMs !== undefined && tooOld(ageMs, opts.staleAfterMs);
  const verdict: Verdict = stale ? 'stale' : base;
  const failing = SERVICES.filter((s) => check.statuses[s] !== 'Healthy').sort(
    (a, b) => severity(check.statuses[b]) - severity(check.statuses[a]),
  );
  return {
    verdict,
    since: clusterSince(verdict, services, check.checkedAt),
    checkedAt: check.checkedAt,
    ageMs,
    staleAfterMs: opts.staleAfterMs,
    services,
    failing,
    mismatch: mismatchOf(check.statuses, check.allHealthy),
    problem: undefined,
    ...(opts.clockSkewMs !== undefined && { clockSkewMs: opts.clockSkewMs }),
  };
}

/** The verdict of one event: exact statuses, checked at `recorded_at`; stale only when it is the latest. */
export function judgeEvent(event: ClusterEventStatus, opts: JudgeOptions): ClusterVerdict {
  return judge(
    { statuses: statusesOf(event), allHealthy: event.all_healthy, checkedAt: Date.parse(event.recorded_at) },
    opts,
  );
}

/** No answer could be read: unreachable, since `since` when the caller knows when that began. */
export function unreachable(problem: { kind: string; message: string }, since?: number): ClusterVerdict {
  return {
    verdict: 'unreachable',
    since,
    checkedAt: undefined,
    ageMs: undefined,
    staleAfterMs: undefined,
    services: [],
    failing: [],
    mismatch: undefined,
    problem,
  };
}

/** The monitor has recorded nothing yet (Feldera's NoClusterMonitorEventsAvailable): a fresh instance is starting. */
export function nothingRecorded(message: string): ClusterVerdict {
  return { ...unreachable({ kind: 'no-events', message }), verdict: 'starting' };
}

/** Worst first, for a fleet and its exit code: unreachable, stale, unhealthy, starting, healthy. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = {
  healthy: 0,
  starting: 1,
  unhealthy: 2,
  stale: 3,
  unreachable: 4,
};

/** The worst of several verdicts (healthy for none). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'healthy';
  for (const v of verdicts) if (VERDICT_RANK[v] > VERDICT_RANK[worst]) worst = v;
  return worst;
}
