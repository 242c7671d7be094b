/**
 * One health check of one service in a monitor round: what it answers (from the scenario step
 * in force) and how long it takes.
 */
import type { Service } from '../api/types.js';
import type { Rng } from './rng.js';
import { type Scenario, type Step, stepAt } from './scenario.js';
import type { Edition } from './texts.js';

export interface Probe {
  /** The service counts as healthy: its check passed and, in Enterprise, so did its resources. */
  ok: boolean;
  /** The scenario step in force, or undefined when the check passes by default. */
  step: Step | undefined;
  resourcesOk: boolean;
}

/**
 * The check of `service` at `tMs` after the monitor start. Community edition has no resources to
 * fail, nor has an instance whose configuration turns resource monitoring off.
 */
export function probeService(scenario: Scenario, edition: Edition, service: Service, tMs: number): Probe {
  const step = stepAt(scenario.services[service], tMs);
  const selfOk = !step || step.kind === 'healthy';
  const resourcesOk =
    edition === 'community' || scenario.resourcesDisabled
      ? true
      : (step?.resources ?? (step?.kind === 'unreachable' ? 'unhealthy' : 'healthy')) === 'healthy';
  return { ok: selfOk && resourcesOk, step, resourcesOk };
}

/**
 * How long the check takes, in µs: a timeout waits the full 5 s; otherwise the step's or the
 * service's latency when the scenario gives one, else a refused connection is quick and an
 * answer takes a few ms. One draw either way, so a latency does not shift later draws.
 */
export function probeLatencyUs(step: Step | undefined, rng: Rng, serviceLatencyMs?: number): number {
  const kind = step?.kind ?? 'healthy';
  if (kind === 'timeout') return 5_000_000 + rng.int(0, 3000);
  const latencyMs = step?.latency ?? serviceLatencyMs;
  if (latencyMs !== undefined) return latencyMs * 1000 + rng.int(0, 3000);
  return kind === 'unreachable' ? rng.int(150, 1500) : rng.int(800, 6000);
}
