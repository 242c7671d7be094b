/**
 * Scenarios: what each service's health check answers over simulated time, and when the
 * recorder process runs. A built-in by name or a JSON file (its format is described in
 * scenario-file.ts); `stepAt` and `recorderLifetimes` are what the monitor model asks of one.
 */
import { readFileSync } from 'node:fs';
import { BUILTIN_SCENARIO_NAMES, builtinScenario } from './scenario-builtins.js';
import { parseScenario } from './scenario-file.js';
import {
  type RecorderChange,
  type Scenario,
  ScenarioError,
  type ServiceTimeline,
  type Step,
} from './scenario-types.js';

export { BUILTIN_SCENARIO_NAMES, builtinScenario } from './scenario-builtins.js';
export { parseScenario } from './scenario-file.js';
export {
  PROBE_KINDS,
  type RecorderChange,
  type Scenario,
  ScenarioError,
  type ServiceTimeline,
  type Step,
} from './scenario-types.js';

/** The step in force at `t` ms after the monitor start, or undefined when the check passes by default. */
export function stepAt(timeline: ServiceTimeline | undefined, t: number): Step | undefined {
  if (!timeline || timeline.steps.length === 0 || t < timeline.start) return undefined;
  const elapsed = t - timeline.start;
  const rel = timeline.repeat ? elapsed % timeline.repeat : elapsed;
  const steps = timeline.steps;
  let lo = 0;
  let hi = steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.at <= rel) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found >= 0) return steps[found];
  if (timeline.repeat && elapsed >= timeline.repeat) return steps[steps.length - 1];
  return undefined;
}

/**
 * The recorder's lifetimes: half-open [start, end) intervals in ms from the monitor start, each a
 * separate process (its first round is always recorded). The last one may be open-ended.
 */
export function recorderLifetimes(changes: readonly RecorderChange[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let runningSince: number | undefined = 0;
  for (const c of changes) {
    if (c.running) {
      if (runningSince !== undefined && c.at > runningSince) out.push({ start: runningSince, end: c.at });
      runningSince = c.at;
    } else if (runningSince !== undefined) {
      if (c.at > runningSince) out.push({ start: runningSince, end: c.at });
      runningSince = undefined;
    }
  }
  if (runningSince !== undefined) out.push({ start: runningSince, end: Infinity });
  return out;
}

/**
 * A built-in scenario by name, or a scenario file by path. Throws ScenarioError (one line) when
 * neither fits or the file is invalid.
 */
export function loadScenario(nameOrPath: string): Scenario {
  const builtin = builtinScenario(nameOrPath);
  if (builtin) return builtin;
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !/[/\\.]/.test(nameOrPath)) {
      throw new ScenarioError(
        `unknown scenario "${nameOrPath}": expected one of ${BUILTIN_SCENARIO_NAMES.join(', ')}, or the path of a scenario JSON file`,
      );
    }
    throw new ScenarioError(`cannot read scenario file ${nameOrPath}: ${code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario file ${nameOrPath} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, nameOrPath);
}
