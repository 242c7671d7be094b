/**
 * ## Scenario files
 *
 * `cluster simulate --scenario FILE` reads a JSON file that scripts how each service's health
 * check goes over simulated time. The monitor model does the rest exactly as Feldera does
 * (which rounds get recorded, `InitialUnhealthy`, back-off, retention), so a scenario says only
 * what the checks answer, never which events exist.
 *
 * Times are durations measured from the moment the monitor started, which is `--history`
 * before the simulator started (so with `--history 2h` the first two hours are already in the
 * past when the server opens). A duration is a string like `"90s"`, `"5m"`, `"1h30m"`, `"3d"`,
 * `"500ms"`, or a number of seconds.
 *
 * ```json
 * {
 *   "name": "db-trouble",
 *   "description": "The compiler loses its disk for 20 minutes; the runner flaps every 3 minutes.",
 *   "history": "1h",
 *   "services": {
 *     "compiler": [
 *       { "at": "5m", "kind": "unhealthy", "status": 503,
 *         "message": "{\"status\":\"unhealthy: storage usage 97% exceeds 95%\"}" },
 *       { "at": "25m", "kind": "healthy" }
 *     ],
 *     "runner": {
 *       "start": "2m",
 *       "repeat": "3m",
 *       "steps": [
 *         { "at": "0s", "kind": "unreachable" },
 *         { "at": "90s", "kind": "healthy" }
 *       ]
 *     }
 *   },
 *   "recorder": [
 *     { "at": "40m", "running": false },
 *     { "at": "55m", "running": true }
 *   ]
 * }
 * ```
 *
 * | key | meaning |
 * | --- | --- |
 * | `name`, `description` | optional strings, shown in the start-up summary |
 * | `history` | optional duration: how much past to pre-fill when `--history` is not given (default 0) |
 * | `services` | optional object with keys `api`, `compiler`, `runner`; a service not listed always passes its checks |
 * | `services.<svc>` | either a list of steps, or `{ "steps": [...], "start": DURATION, "repeat": DURATION }` |
 * | `start` | optional: the steps' `at` count from here; before it the service passes its checks (default 0) |
 * | `repeat` | optional: the steps loop with this period (every `at` must be below it); between loops the last step holds |
 * | `recorder` | optional list of `{ "at": DURATION, "running": BOOLEAN }`: `false` kills the process that records events (no more rounds, the latest event only ages); `true` starts it again as a freshly started manager (its first round is always recorded) — `true` while running is an immediate restart |
 *
 * A step holds from its `at` until the next step; before the first step the service passes.
 * Steps are listed in increasing `at` order. Step keys:
 *
 * | key | meaning |
 * | --- | --- |
 * | `at` | required duration |
 * | `kind` | required: `healthy` (check passes), `unhealthy` (answered with an HTTP error), `unreachable` (connection refused), `timeout` (no answer within 5 s; the round takes 5 s longer), `error` (another request error) |
 * | `message` | optional detail: for `unhealthy` the response body (JSON is shown re-serialized, anything else as "an invalid JSON body"); for `unreachable`, `timeout`, `error` the underlying error text |
 * | `status` | optional HTTP status for `unhealthy` (default 503) |
 * | `info` | optional: the whole self-info text verbatim, replacing Feldera's wording (still capped at 8192 characters) |
 * | `resources` | optional `"healthy"` / `"unhealthy"`: the Kubernetes objects' verdict (Enterprise edition only; default unhealthy for `unreachable`, else healthy) |
 * | `resourcesInfo` | optional: the resources-info text verbatim (Enterprise edition only; still capped) |
 *
 * Unknown keys are rejected, so a typo does not silently change the scenario.
 */
import { readFileSync } from 'node:fs';
import { SERVICES } from '../api/types.js';
import { parseDuration } from '../util/duration.js';
import { BUILTIN_SCENARIO_NAMES, builtinScenario } from './scenario-builtins.js';
import { PROBE_KINDS, ScenarioError, type RecorderChange, type Scenario, type ServiceTimeline, type Step } from './scenario-types.js';
import type { ProbeKind } from './texts.js';

export { BUILTIN_SCENARIO_NAMES, builtinScenario } from './scenario-builtins.js';
export { PROBE_KINDS, ScenarioError, type RecorderChange, type Scenario, type ServiceTimeline, type Step } from './scenario-types.js';

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

// ---------------------------------------------------------------------------------------------
// Validation

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** Replaces lone surrogates (which Rust strings cannot hold) with U+FFFD. */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Validates a parsed scenario JSON value. `source` names it in error messages. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const fail = (where: string, what: string): never => {
    throw new ScenarioError(`${source}: ${where}: ${what}`);
  };
  const onlyKeys = (o: Obj, where: string, allowed: string[]): void => {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) fail(where, `unknown key "${k}" (expected ${allowed.join(', ')})`);
    }
  };
  const duration = (v: unknown, where: string): number => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) fail(where, `expected a duration ("90s", "5m", "1h30m") or seconds >= 0, got ${describe(v)}`);
      return v * 1000;
    }
    if (typeof v === 'string') {
      const ms = parseDuration(v);
      if (ms !== undefined) return ms;
    }
    return fail(where, `expected a duration ("90s", "5m", "1h30m") or seconds >= 0, got ${describe(v)}`);
  };
  const optString = (o: Obj, key: string, where: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') fail(`${where}.${key}`, `expected a string, got ${describe(v)}`);
    return wellFormed(v as string);
  };

  if (!isObj(value)) fail('top level', `expected an object, got ${describe(value)}`);
  const root = value as Obj;
  onlyKeys(root, 'top level', ['name', 'description', 'history', 'services', 'recorder']);

  const scenario: Scenario = {
    name: optString(root, 'name', 'top level') ?? source,
    description: optString(root, 'description', 'top level') ?? '',
    services: {},
    recorder: [],
  };
  if (root.history !== undefined) scenario.history = duration(root.history, 'history');

  if (root.services !== undefined) {
    if (!isObj(root.services)) fail('services', `expected an object with keys api, compiler, runner, got ${describe(root.services)}`);
    const services = root.services as Obj;
    onlyKeys(services, 'services', [...SERVICES]);
    for (const svc of SERVICES) {
      const raw = services[svc];
      if (raw === undefined) continue;
      const where = `services.${svc}`;
      let stepsRaw: unknown;
      let start = 0;
      let repeat: number | undefined;
      if (Array.isArray(raw)) stepsRaw = raw;
      else if (isObj(raw)) {
        onlyKeys(raw, where, ['steps', 'start', 'repeat']);
        stepsRaw = raw.steps;
        if (!Array.isArray(stepsRaw)) fail(`${where}.steps`, `expected a list of steps, got ${describe(stepsRaw)}`);
        if (raw.start !== undefined) start = duration(raw.start, `${where}.start`);
        if (raw.repeat !== undefined) {
          repeat = duration(raw.repeat, `${where}.repeat`);
          if (repeat <= 0) fail(`${where}.repeat`, 'expected a period above 0');
        }
      } else {
        fail(where, `expected a list of steps or an object with "steps", got ${describe(raw)}`);
      }
      const steps: Step[] = [];
      (stepsRaw as unknown[]).forEach((s, i) => {
        const sw = `${where}[${i}]`;
        if (!isObj(s)) fail(sw, `expected a step object, got ${describe(s)}`);
        const o = s as Obj;
        onlyKeys(o, sw, ['at', 'kind', 'message', 'status', 'info', 'resources', 'resourcesInfo']);
        if (o.at === undefined) fail(sw, 'missing "at"');
        const at = duration(o.at, `${sw}.at`);
        if (typeof o.kind !== 'string' || !PROBE_KINDS.includes(o.kind as ProbeKind)) {
          fail(`${sw}.kind`, `expected one of ${PROBE_KINDS.join(', ')}, got ${describe(o.kind)}`);
        }
        const step: Step = { at, kind: o.kind as ProbeKind };
        const prev = steps[steps.length - 1];
        if (prev && at <= prev.at) fail(`${sw}.at`, 'steps must be in increasing "at" order');
        if (repeat !== undefined && at >= repeat) fail(`${sw}.at`, `must be below the repeat period`);
        const message = optString(o, 'message', sw);
        if (message !== undefined) step.message = message;
        if (o.status !== undefined) {
          if (step.kind !== 'unhealthy') fail(`${sw}.status`, 'only an "unhealthy" step has an HTTP status');
          if (typeof o.status !== 'number' || !Number.isInteger(o.status) || o.status < 100 || o.status > 599 || (o.status >= 200 && o.status < 300)) {
            fail(`${sw}.status`, `expected an HTTP error status (100-199 or 300-599), got ${describe(o.status)}`);
          }
          step.status = o.status as number;
        }
        const info = optString(o, 'info', sw);
        if (info !== undefined) step.info = info;
        if (o.resources !== undefined) {
          if (o.resources !== 'healthy' && o.resources !== 'unhealthy') {
            fail(`${sw}.resources`, `expected "healthy" or "unhealthy", got ${describe(o.resources)}`);
          }
          step.resources = o.resources as 'healthy' | 'unhealthy';
        }
        const resourcesInfo = optString(o, 'resourcesInfo', sw);
        if (resourcesInfo !== undefined) step.resourcesInfo = resourcesInfo;
        steps.push(step);
      });
      const timeline: ServiceTimeline = { steps, start };
      if (repeat !== undefined) timeline.repeat = repeat;
      scenario.services[svc] = timeline;
    }
  }

  if (root.recorder !== undefined) {
    if (!Array.isArray(root.recorder)) fail('recorder', `expected a list of { "at", "running" }, got ${describe(root.recorder)}`);
    (root.recorder as unknown[]).forEach((c, i) => {
      const where = `recorder[${i}]`;
      if (!isObj(c)) fail(where, `expected { "at", "running" }, got ${describe(c)}`);
      const o = c as Obj;
      onlyKeys(o, where, ['at', 'running']);
      if (o.at === undefined) fail(where, 'missing "at"');
      const at = duration(o.at, `${where}.at`);
      if (typeof o.running !== 'boolean') fail(`${where}.running`, `expected true or false, got ${describe(o.running)}`);
      const prev = scenario.recorder[scenario.recorder.length - 1];
      if (prev && at < prev.at) fail(`${where}.at`, 'recorder changes must be in time order');
      scenario.recorder.push({ at, running: o.running as boolean });
    });
  }
  return scenario;
}
