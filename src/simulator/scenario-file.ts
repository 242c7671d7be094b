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
 * - `name`, `description`: optional strings, shown in the start-up summary
 * - `history`: optional duration: how much past to pre-fill when `--history` is not given (default 0)
 * - `services`: optional object with keys `api`, `compiler`, `runner`; a service not listed always passes its
 *   checks
 * - `services.<svc>`: either a list of steps, or `{ "steps": [...], "start": DURATION, "repeat": DURATION }`
 * - `start`: optional: the steps' `at` count from here; before it the service passes its checks (default 0)
 * - `repeat`: optional: the steps loop with this period (every `at` must be below it); between loops the last step
 *   holds
 * - `failedInserts`: optional list of durations: the first insert the monitor attempts at or after each fails (a
 *   database hiccup), after the loop has reset its round counter — a healthy cluster then records a whole period later
 * - `recorder`: optional list of `{ "at": DURATION, "running": BOOLEAN }`: `false` kills the process that records
 *   events (no more rounds, the latest event only ages); `true` starts it again as a freshly started manager (its
 *   first round is always recorded) — `true` while running is an immediate restart
 * - `resourcesDisabled`: optional `true`: resource monitoring is turned off in the configuration — no Kubernetes
 *   queries, resources count as healthy, and every resources text is "Cluster monitoring resources information is
 *   disabled in the configuration."
 * - `latency`: optional, in the `{ "steps": … }` form: how long each check of the service takes (below 5 s),
 *   unless its step says otherwise
 *
 * A step holds from its `at` until the next step; before the first step the service passes.
 * Steps are listed in increasing `at` order. Step keys:
 *
 * - `at`: required duration
 * - `kind`: required: `healthy` (check passes), `unhealthy` (answered with an HTTP error), `unreachable`
 *   (connection refused), `timeout` (no answer within 5 s; the round takes 5 s longer), `error` (another request
 *   error)
 * - `message`: optional detail: for `unhealthy` the response body (JSON is shown re-serialized, anything else as
 *   "an invalid JSON body"); for `unreachable`, `timeout`, `error` the underlying error text
 * - `status`: optional HTTP status for `unhealthy` (default 503)
 * - `info`: optional: the whole self-info text verbatim, replacing Feldera's wording (still capped at 8192
 *   characters)
 * - `resources`: optional `"healthy"` / `"unhealthy"`: the Kubernetes objects' verdict (Enterprise edition only;
 *   default unhealthy for `unreachable`, else healthy)
 * - `resourcesInfo`: optional: the resources-info text verbatim (Enterprise edition only; still capped)
 * - `latency`: optional duration below 5 s: how long the check takes (not for `timeout`, which always takes 5 s).
 *   The checks run one after the other, so slow ones lengthen every round and the healthy period (60 rounds)
 *
 * Unknown keys are rejected, so a typo does not silently change the scenario.
 *
 * Validation is a set of small readers, one per level of the file (top level, service
 * timeline, step, recorder change), each checking its keys in the order the errors are
 * reported. Every error names the file and the place in it, on one line.
 */
import { SERVICES } from '../api/types.js';
import { parseDuration } from '../util/duration.js';
import {
  PROBE_KINDS,
  type RecorderChange,
  type Scenario,
  ScenarioError,
  type ServiceTimeline,
  type Step,
} from './scenario-types.js';
import type { ProbeKind } from './texts.js';

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
const wellFormed = (s: string): string =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** The checks every reader shares; each failure throws a ScenarioError naming `source` and `where`. */
interface Checks {
  fail(where: string, what: string): never;
  object(v: unknown, where: string, expected: string): Obj;
  list(v: unknown, where: string, expected: string): unknown[];
  onlyKeys(o: Obj, where: string, allowed: readonly string[]): void;
  /** A duration string or seconds, in ms. */
  duration(v: unknown, where: string): number;
  /** An optional string, with lone surrogates replaced. */
  optString(o: Obj, key: string, where: string): string | undefined;
}

function checks(source: string): Checks {
  const fail = (where: string, what: string): never => {
    throw new ScenarioError(`${source}: ${where}: ${what}`);
  };
  const expected = (where: string, what: string, v: unknown): never =>
    fail(where, `expected ${what}, got ${describe(v)}`);
  return {
    fail,
    object: (v, where, what) => (isObj(v) ? v : expected(where, what, v)),
    list: (v, where, what) => (Array.isArray(v) ? v : expected(where, what, v)),
    onlyKeys(o, where, allowed) {
      const unknown = Object.keys(o).find((k) => !allowed.includes(k));
      if (unknown !== undefined) fail(where, `unknown key "${unknown}" (expected ${allowed.join(', ')})`);
    },
    duration(v, where) {
      let ms: number | undefined;
      if (typeof v === 'string') ms = parseDuration(v);
      else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) ms = v * 1000;
      return ms ?? expected(where, 'a duration ("90s", "5m", "1h30m") or seconds >= 0', v);
    },
    optString(o, key, where) {
      const v = o[key];
      if (v === undefined) return undefined;
      return typeof v === 'string' ? wellFormed(v) : expected(`${where}.${key}`, 'a string', v);
    },
  };
}

/** Reads a list whose entries each depend on the one before (for the time-order checks). */
function sequence<T>(
  list: unknown[],
  where: string,
  read: (raw: unknown, where: string, previous: T | undefined) => T,
): T[] {
  const out: T[] = [];
  for (const [i, raw] of list.entries()) out.push(read(raw, `${where}[${i}]`, out[out.length - 1]));
  return out;
}

/** Validates a parsed scenario JSON value. `source` names it in error messages. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const c = checks(source);
  const root = c.object(value, 'top level', 'an object');
  c.onlyKeys(root, 'top level', [
    'name',
    'description',
    'history',
    'services',
    'recorder',
    'failedInserts',
    'resourcesDisabled',
  ]);
  const name = c.optString(root, 'name', 'top level') ?? source;
  const description = c.optString(root, 'description', 'top level') ?? '';
  const history = root.history === undefined ? undefined : c.duration(root.history, 'history');
  const scenario: Scenario = {
    name,
    description,
    services: readServices(c, root.services),
    recorder: readRecorder(c, root.recorder),
  };
  if (root.failedInserts !== undefined) scenario.failedInserts = readFailedInserts(c, root.failedInserts);
  if (root.resourcesDisabled !== undefined) {
    if (typeof root.resourcesDisabled !== 'boolean')
      c.fail('resourcesDisabled', `expected true or false, got ${describe(root.resourcesDisabled)}`);
    if (root.resourcesDisabled) scenario.resourcesDisabled = true;
  }
  // `history` goes last, where a parsed scenario has always had it.
  if (history !== undefined) scenario.history = history;
  return scenario;
}

function readServices(c: Checks, raw: unknown): Scenario['services'] {
  const services: Scenario['services'] = {};
  if (raw === undefined) return services;
  const o = c.object(raw, 'services', 'an object with keys api, compiler, runner');
  c.onlyKeys(o, 'services', SERVICES);
  for (const svc of SERVICES) {
    if (o[svc] !== undefined) services[svc] = readTimeline(c, o[svc], `services.${svc}`);
  }
  return services;
}

/** A list of steps, or `{ steps, start, repeat }`. Step errors are placed at `services.<svc>[i]` either way. */
function readTimeline(c: Checks, raw: unknown, where: string): ServiceTimeline {
  if (Array.isArray(raw)) return { steps: readSteps(c, raw, where, undefined), start: 0 };
  const o = c.object(raw, where, 'a list of steps or an object with "steps"');
  c.onlyKeys(o, where, ['steps', 'start', 'repeat', 'latency']);
  const list = c.list(o.steps, `${where}.steps`, 'a list of steps');
  const start = o.start === undefined ? 0 : c.duration(o.start, `${where}.start`);
  const repeat = o.repeat === undefined ? undefined : readPeriod(c, o.repeat, `${where}.repeat`);
  const latency = readLatency(c, o.latency, `${where}.latency`);
  const timeline: ServiceTimeline = { steps: readSteps(c, list, where, repeat), start };
  if (repeat !== undefined) timeline.repeat = repeat;
  if (latency !== undefined) timeline.latency = latency;
  return timeline;
}

function readPeriod(c: Checks, raw: unknown, where: string): number {
  const period = c.duration(raw, where);
  if (period <= 0) c.fail(where, 'expected a period above 0');
  return period;
}

function readSteps(c: Checks, list: unknown[], where: string, repeat: number | undefined): Step[] {
  return sequence<Step>(list, where, (raw, at, previous) => readStep(c, raw, at, previous, repeat));
}

const STEP_KEYS = ['at', 'kind', 'message', 'status', 'info', 'resources', 'resourcesInfo', 'latency'];

/** A check's duration: below the 5 s after which it is a timeout. */
function readLatency(c: Checks, raw: unknown, where: string): number | undefined {
  if (raw === undefined) return undefined;
  const ms = c.duration(raw, where);
  if (ms >= 5000) c.fail(where, 'a check that takes 5 s or more times out: use "kind": "timeout"');
  return ms;
}

function readStep(
  c: Checks,
  raw: unknown,
  where: string,
  previous: Step | undefined,
  repeat: number | undefined,
): Step {
  const o = c.object(raw, where, 'a step object');
  c.onlyKeys(o, where, STEP_KEYS);
  const at = readAt(c, o, where);
  const kind = readKind(c, o.kind, `${where}.kind`);
  if (previous && at <= previous.at) c.fail(`${where}.at`, 'steps must be in increasing "at" order');
  if (repeat !== undefined && at >= repeat) c.fail(`${where}.at`, `must be below the repeat period`);
  const message = c.optString(o, 'message', where);
  const status = readStatus(c, o.status, kind, `${where}.status`);
  const info = c.optString(o, 'info', where);
  const resources = readResources(c, o.resources, `${where}.resources`);
  const resourcesInfo = c.optString(o, 'resourcesInfo', where);
  if (o.latency !== undefined && kind === 'timeout') c.fail(`${where}.latency`, 'a timeout always takes the full 5 s');
  const latency = readLatency(c, o.latency, `${where}.latency`);
  return {
    at,
    kind,
    ...(message !== undefined && { message }),
    ...(status !== undefined && { status }),
    ...(info !== undefined && { info }),
    ...(resources !== undefined && { resources }),
    ...(resourcesInfo !== undefined && { resourcesInfo }),
    ...(latency !== undefined && { latency }),
  };
}

function readKind(c: Checks, raw: unknown, where: string): ProbeKind {
  return (
    PROBE_KINDS.find((k) => k === raw) ??
    c.fail(where, `expected one of ${PROBE_KINDS.join(', ')}, got ${describe(raw)}`)
  );
}

/** The required `at` of a step or recorder change. */
function readAt(c: Checks, o: Obj, where: string): number {
  if (o.at === undefined) c.fail(where, 'missing "at"');
  return c.duration(o.at, `${where}.at`);
}

/** An HTTP error status, for an `unhealthy` step only. */
function readStatus(c: Checks, raw: unknown, kind: ProbeKind, where: string): number | undefined {
  if (raw === undefined) return undefined;
  if (kind !== 'unhealthy') c.fail(where, 'only an "unhealthy" step has an HTTP status');
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 100 || raw > 599 || (raw >= 200 && raw < 300)) {
    return c.fail(where, `expected an HTTP error status (100-199 or 300-599), got ${describe(raw)}`);
  }
  return raw;
}

function readResources(c: Checks, raw: unknown, where: string): Step['resources'] {
  if (raw === undefined || raw === 'healthy' || raw === 'unhealthy') return raw;
  return c.fail(where, `expected "healthy" or "unhealthy", got ${describe(raw)}`);
}

function readFailedInserts(c: Checks, raw: unknown): number[] {
  const list = c.list(raw, 'failedInserts', 'a list of durations');
  const out = list.map((x, i) => c.duration(x, `failedInserts[${i}]`));
  out.forEach((at, i) => {
    if (i > 0 && at < out[i - 1]!) c.fail(`failedInserts[${i}]`, 'failed inserts must be in time order');
  });
  return out;
}

function readRecorder(c: Checks, raw: unknown): RecorderChange[] {
  if (raw === undefined) return [];
  const list = c.list(raw, 'recorder', 'a list of { "at", "running" }');
  return sequence<RecorderChange>(list, 'recorder', (entry, where, previous) =>
    readRecorderChange(c, entry, where, previous),
  );
}

function readRecorderChange(
  c: Checks,
  raw: unknown,
  where: string,
  previous: RecorderChange | undefined,
): RecorderChange {
  const o = c.object(raw, where, '{ "at", "running" }');
  c.onlyKeys(o, where, ['at', 'running']);
  const at = readAt(c, o, where);
  if (typeof o.running !== 'boolean') c.fail(`${where}.running`, `expected true or false, got ${describe(o.running)}`);
  const running = o.running;
  if (previous && at < previous.at) c.fail(`${where}.at`, 'recorder changes must be in time order');
  return { at, running };
}
