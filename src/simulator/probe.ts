/**
 * One health check of one service in a monitor round: what it answers (from the scenario step
 * in force) and how long it takes.
 */
import type { Service } from '../api/types.js';
import type { Rng } from './rng.js';
import { stepAt, type Scenario, type Step } from './scenario.js';
import type { Edition } from './texts.js';

export interface Probe {
  /** The service counts as healthy: its check passed and, in Enterprise, so did its resources. */
  ok: boolean;
  /** The scenario step in force, or undefined when the check passes by default. */
  step: Step | undefined;
  resourcesOk: boolean;
}

/** The check of `service` at `tMs` after the monitor start. Community edition has no resources to fail. */
export function probeService(scenario: Scenario, edition: Edition, service: Service, tMs: number): Probe {
  const step = stepAt(scenario.services[service], tMs);
  const selfOk = !step || step.kind === 'healthy';
  const resourcesOk =
    edition === 'community' ? true : (step?.resources ?? (step?.kind === 'unreachable' ? 'unhealthy' : 'healthy')) === 'healthy';
  return { ok: selfOk && resourcesOk, step, resourcesOk };
}

/** How long the check takes, in µs: a refused connection is quick, a timeout waits the full 5 s. */
export function probeLatencyUs(step: Step | undefined, rng: Rng): number {
  switch (step?.kind ?? 'healthy') {
    case 'timeout':
      return 5_000_000 + rng.int(0, 3000);
    case 'unreachable':
      return rng.int(150, 1500);
    default:
      return rng.int(800, 6000);
  }
}
