/**
 * What one event says about the cluster, decided once so the renderer, the warnings and the
 * exit status agree: the verdict (healthy / unhealthy / stale), the age by the server's clock,
 * and whether the server's `all_healthy` disagrees with its own statuses.
 */
import { type ClusterEventStatus, SERVICES, type Service } from '../api/types.js';
import type { Verdict } from './verdict.js';
import { computedAllHealthy, eventAge, eventVerdict } from './verdict.js';

export interface Assessment {
  verdict: Verdict;
  /** Both `all_healthy` and the three statuses say healthy. */
  healthy: boolean;
  /** An all-healthy `latest` older than the limit: the recorder stopped, current health unknown. */
  stale: boolean;
  /** `recorded_at` in ms since the epoch (microseconds dropped). */
  recordedMs: number;
  /** Age of the event against `reference`. */
  ageMs: number;
  /** The "now" the age was judged against: the server's Date header when it sent one. */
  reference: number;
  /** The age was judged against the local clock (no usable server Date). */
  localReference: boolean;
  staleAfterMs: number;
  /** Services whose status is not `Healthy`. */
  unhealthy: Service[];
  /** One line describing a disagreement between `all_healthy` and the statuses, if there is one. */
  mismatch?: string;
}

export interface AssessOptions {
  /** The event is the answer to `latest` (only then can it be stale). */
  latest: boolean;
  /** The server's Date header (ms), when it sent one. */
  serverNow: number | undefined;
  /** Local clock, the fallback reference. */
  localNow: number;
  staleAfterMs: number;
}

/**
 * A disagreement counts as not healthy: the tool would rather raise a false alarm than hide a
 * failing service behind a flag that says otherwise.
 */
export function assessEvent(event: ClusterEventStatus, opts: AssessOptions): Assessment {
  const unhealthy = SERVICES.filter((s) => event[`${s}_status`] !== 'Healthy');
  const byStatus = computedAllHealthy(event);
  let mismatch: string | undefined;
  if (event.all_healthy && !byStatus) {
    mismatch = `the server says all_healthy is true, but ${unhealthy.map((s) => `${s} is ${event[`${s}_status`]}`).join(', ')}`;
  } else if (!event.all_healthy && byStatus) {
    mismatch = 'the server says all_healthy is false, but all three services are Healthy';
  }
  const healthy = event.all_healthy && byStatus;
  const recordedMs = Date.parse(event.recorded_at);
  const ageMs = eventAge(event, opts.serverNow, opts.localNow);
  const stale = opts.latest && healthy && ageMs > opts.staleAfterMs;
  return {
    verdict: eventVerdict(event, stale),
    healthy,
    stale,
    recordedMs,
    ageMs,
    reference: opts.serverNow ?? opts.localNow,
    localReference: opts.serverNow === undefined,
    staleAfterMs: opts.staleAfterMs,
    unhealthy,
    mismatch,
  };
}
