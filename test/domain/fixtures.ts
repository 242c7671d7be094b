/** Hand-made event lists for the history tests. */
import { expect } from 'vitest';
import type { ClusterEventFull, ClusterEventStatus, MonitorStatus } from '../../src/api/types.js';
import { CliError, EXIT } from '../../src/errors.js';

export const T0 = Date.UTC(2025, 11, 8, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

const H: MonitorStatus = 'Healthy';
const U: MonitorStatus = 'Unhealthy';
const I: MonitorStatus = 'InitialUnhealthy';
export const S = { H, U, I } as const;

let counter = 0;
/** A time-ordered UUIDv7-looking id for `ms` (distinct even within one ms). */
export function idFor(ms: number): string {
  const h = Math.floor(ms).toString(16).padStart(12, '0');
  const n = (counter++).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-${n}`;
}

/** An event at `T0 + offsetMs` with the three statuses (api, compiler, runner). */
export function ev(
  offsetMs: number,
  api: MonitorStatus = H,
  compiler: MonitorStatus = H,
  runner: MonitorStatus = H,
): ClusterEventStatus {
  const ms = T0 + offsetMs;
  return {
    id: idFor(ms),
    recorded_at: new Date(ms).toISOString().replace('Z', '123Z'),
    all_healthy: api === H && compiler === H && runner === H,
    api_status: api,
    compiler_status: compiler,
    runner_status: runner,
  };
}

export function full(
  e: ClusterEventStatus,
  infos: Partial<Record<'api' | 'compiler' | 'runner', string | null>> = {},
): ClusterEventFull {
  const self = (s: 'api' | 'compiler' | 'runner') => (s in infos ? infos[s]! : `${e[`${s}_status`]}: ${s} report`);
  return {
    ...e,
    api_self_info: self('api'),
    api_resources_info: 'n/a',
    compiler_self_info: self('compiler'),
    compiler_resources_info: 'n/a',
    runner_self_info: self('runner'),
    runner_resources_info: 'n/a',
  };
}

/** The server's order: newest first. */
export function serverOrder<E extends ClusterEventStatus>(events: E[]): E[] {
  return [...events].sort((a, b) => {
    if (a.recorded_at === b.recorded_at) return 0;
    return a.recorded_at < b.recorded_at ? 1 : -1;
  });
}

/** Runs `fn`, expects a usage error (exit 64) and returns it for the message to be checked. */
export function usage(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.USAGE);
    return e as CliError;
  }
  throw new Error('accepted');
}
