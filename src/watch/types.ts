/**
 * What the watch engine takes and tells: its options, the events and notices it reports, how a
 * watch ends, and the client calls it needs. Every part of the engine speaks these types, so they
 * stand apart from the loop (src/watch/engine.ts re-exports them for the commands and renderers).
 */
import type { ClusterClient } from '../api/client.js';
import type { ClusterEvent, ClusterEventStatus } from '../api/types.js';
import type { StatusChange } from '../domain/order.js';
import type { SinceSpec } from '../domain/since.js';
import type { CliError } from '../errors.js';
import type { Clock } from '../util/clock.js';

export type WatchClient = Pick<ClusterClient, 'getEvent' | 'listEvents' | 'refreshCredential' | 'stats'>;

/** `--since` (domain/since.ts). */
export type { SinceSpec };

export type UntilCondition = 'healthy' | 'unhealthy' | 'change';

export interface WatchedEvent {
  /** The event as the server sent it (with `details`, the `selector=all` object when one was fetched). */
  event: ClusterEvent;
  /** The event shown before this one (status fields), if any. */
  previous: ClusterEventStatus | undefined;
  /** Services whose status differs from `previous`. */
  changes: StatusChange[];
  /** Services that turned Unhealthy/InitialUnhealthy and whose reports were fetched (`details`). */
  detailed: StatusChange['service'][];
  /** Replayed from history (`since`) rather than seen live. */
  replay: boolean;
  /**
   * As shown, this is the newest event known and it is all healthy but older than `staleAfterMs`
   * by the server's Date of the poll that brought it: the recorder had stopped by then. Never set
   * later: an event that turns stale after it was shown is not shown again (a `stale` notice says it).
   */
  stale: boolean;
  /** Found later than its successors (only if the monitor broke its own cadence, e.g. two recorders at once). */
  late?: boolean;
}

export type WatchNotice =
  | { kind: 'no-events' }
  | { kind: 'outage-start'; reason: string; at: number }
  | { kind: 'outage-end'; durationMs: number; failures: number }
  /** `lastSeenId` undefined: nothing was seen yet; `lastSeenAt` is then when the watch started. */
  | { kind: 'lost'; lastSeenId: string | undefined; lastSeenAt: string; oldestRetainedAt: string; upTo: number }
  | { kind: 'stale'; recordedAt: string; eventId: string; ageMs: number; staleAfterMs: number }
  | { kind: 'resumed'; silentMs: number }
  | { kind: 'credential-refresh'; status: number | undefined }
  | { kind: 'details-failed'; id: string; reason: string }
  | { kind: 'replayed'; count: number }
  | { kind: 'late'; count: number }
  /** The server's Date is further from the local clock than clocks differ: ages are judged by the local one (said once). */
  | { kind: 'clock'; skewMs: number };

export interface WatchSnapshot {
  startedAt: number;
  now: number;
  polls: number;
  events: number;
  errors: number;
  requests: number;
  bytes: number;
  lastPollAt: number | undefined;
  nextPollAt: number | undefined;
  /** An outage is going on (since this time). */
  outageSince: number | undefined;
  stale: boolean;
  lastSeenId: string | undefined;
}

export interface WatchObserver {
  event?(e: WatchedEvent): void;
  notice?(n: WatchNotice): void;
  /** After each poll and, with `statusTickMs`, during the waits between polls. */
  status?(s: WatchSnapshot): void;
}

export type WatchEnd =
  | { reason: 'until'; condition: UntilCondition; exitCode: 0 }
  | { reason: 'timeout'; exitCode: 124 }
  | { reason: 'aborted'; signal: string; exitCode: number }
  | { reason: 'fatal'; error: CliError; exitCode: number };

export type StepOutcome = { done: false; delayMs: number; changed: boolean } | { done: true; end: WatchEnd };

export interface WatchOptions {
  client: WatchClient;
  clock: Clock;
  /** Aborting stops at once; the reason ('SIGINT'/'SIGTERM') picks the exit code. */
  signal?: AbortSignal;
  intervalMs: number;
  /** Jitter as a fraction of the interval, ± (default 0.1). */
  jitter?: number;
  /** Source of randomness for jitter (default Math.random). */
  random?: () => number;
  since?: SinceSpec;
  details?: boolean;
  /** Believe the server's Date however far from the local clock (CLUSTER_SERVER_CLOCK=trust). */
  trustServerClock?: boolean;
  /** The stale limit; a function when it may change during the watch (default: 20 min). */
  staleAfterMs?: number | (() => number);
  until?: UntilCondition;
  timeoutMs?: number;
  /** First back-off delay (default min(interval, 1 s)) and the cap (default the interval). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Cut waits into slices of this length and report status after each (for a live status line). */
  statusTickMs?: number;
  /**
   * Skip the list when the monitor's cadence proves that no event can lie between the last one
   * seen and the new latest (see `provablyNext`); default true. Lists fetched later verify it.
   */
  skipProvableLists?: boolean;
  /**
   * The request timeout runs in real time, so an answer that never comes is bounded by a real
   * timer as well when `timeoutMs` is set (default true; tests on a virtual clock may turn it off).
   */
  realTimeGuard?: boolean;
  observer?: WatchObserver;
}

export interface Watcher {
  /** One poll. Never sleeps; `delayMs` says when the next one is due. */
  step(): Promise<StepOutcome>;
  /** Poll until the `until` condition, the timeout, the abort signal or a fatal error. */
  run(): Promise<WatchEnd>;
  snapshot(): WatchSnapshot;
}
