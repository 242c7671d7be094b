/**
 * The shape of a scenario once read: per service a timeline of check results, and when the
 * recorder process runs. Times are milliseconds from the monitor start.
 */
import type { Service } from '../api/types.js';
import type { ProbeKind } from './texts.js';

export const PROBE_KINDS: readonly ProbeKind[] = ['healthy', 'unhealthy', 'unreachable', 'timeout', 'error'];

export interface Step {
  /** Milliseconds from the timeline's start. */
  at: number;
  kind: ProbeKind;
  message?: string;
  status?: number;
  info?: string;
  resources?: 'healthy' | 'unhealthy';
  resourcesInfo?: string;
  /** How long this check takes, in ms (below the 5 s timeout; a `timeout` step always takes 5 s). */
  latency?: number;
}

export interface ServiceTimeline {
  steps: Step[];
  /** Milliseconds from the monitor start at which the steps begin. */
  start: number;
  /** Loop period in milliseconds. */
  repeat?: number;
  /** How long each check of this service takes, in ms, unless its step says otherwise. */
  latency?: number;
}

export interface RecorderChange {
  at: number;
  running: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** Default pre-filled history in milliseconds. */
  history?: number;
  services: Partial<Record<Service, ServiceTimeline>>;
  recorder: RecorderChange[];
  /**
   * Database hiccups, in ms from the monitor start: the first insert the monitor attempts at or
   * after each of these times fails, and nothing is stored. The loop has already reset its round
   * counter (as Feldera's does, before it inserts), so a healthy cluster's next event comes a
   * whole healthy period later: a gap of two periods.
   */
  failedInserts?: number[];
  /**
   * Resource monitoring turned off in the configuration (`disable_cluster_monitor_resources`): no
   * resources are asked about, they count as healthy, and every resources text says so.
   */
  resourcesDisabled?: boolean;
}

/** A scenario file or value that does not fit the format; the message is one line. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}
