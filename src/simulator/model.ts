/**
 * Feldera's cluster monitor, modelled: the loop in `cluster_monitor.rs` (rounds every 10 s,
 * what gets recorded, `InitialUnhealthy`, back-off) and the `cluster_monitor_event` table with its
 * retention, driven by simulated time. Pure and deterministic for a given scenario, seed and
 * clock; nothing runs on its own: `catchUp(now)` runs every round that has become due.
 */
import type { ClusterEventFull, ClusterEventStatus, HealthStatus, MonitorStatus, Selector, Service, ServiceHealth } from '../api/types.js';
import { SERVICES } from '../api/types.js';
import { formatMicros, uuidv7 } from './ids.js';
import { decideRecording, FRESH_LOOP, type LoopState } from './policy.js';
import { createRng, type Rng } from './rng.js';
import { recorderLifetimes, stepAt, type Scenario, type Step } from './scenario.js';
import { resourcesInfoText, selfInfoText, truncateInfo, type Edition } from './texts.js';

export { STORE_EVERY_ROUNDS } from './policy.js';

/** Interval between monitor rounds. */
export const MONITOR_INTERVAL_MS = 10_000;
export const RETENTION_MS = 72 * 3600 * 1000;
export const RETENTION_COUNT = 1000;

/** A row of `cluster_monitor_event`, plus the monitor round that wrote it (not served). */
export interface StoredEvent {
  id: string;
  /** Epoch microseconds. */
  recordedAtUs: number;
  recorded_at: string;
  api_status: MonitorStatus;
  api_self_info: string;
  api_resources_info: string;
  compiler_status: MonitorStatus;
  compiler_self_info: string;
  compiler_resources_info: string;
  runner_status: MonitorStatus;
  runner_self_info: string;
  runner_resources_info: string;
  /** Index of the monitor round (counted from the monitor start, across restarts). */
  round: number;
}

/** Every event ever recorded, in order, with when and why retention deleted it. */
export interface LogEntry {
  event: StoredEvent;
  deletedAtUs?: number;
  deletedBecause?: 'age' | 'count';
}

export interface ModelOptions {
  scenario: Scenario;
  edition: Edition;
  seed: number;
  /** Epoch ms at which the monitor (the manager) started: the scenario's time zero. */
  monitorStart: number;
}

export interface MonitorModel {
  readonly monitorStart: number;
  readonly edition: Edition;
  /** Runs every round due by `nowMs` (epoch ms). Going back in time is ignored. */
  catchUp(nowMs: number): void;
  /** Retained events, newest first (`ORDER BY recorded_at DESC, id DESC`). */
  events(): StoredEvent[];
  latest(): StoredEvent | undefined;
  /** A retained event by canonical (lowercase, hyphenated) id. */
  get(id: string): StoredEvent | undefined;
  /** The `/v0/cluster_healthz` body, or undefined before the first event. */
  health(): HealthStatus | undefined;
  /** Append-only: every event ever recorded, including those retention deleted. */
  readonly log: readonly LogEntry[];
  /** Number of monitor rounds run so far (recorded or not). */
  roundsRun(): number;
}

export const allHealthy = (e: Pick<StoredEvent, 'api_status' | 'compiler_status' | 'runner_status'>): boolean =>
  e.api_status === 'Healthy' && e.compiler_status === 'Healthy' && e.runner_status === 'Healthy';

/** `poll_success_to_status`: InitialUnhealthy is left only by a passing check. */
export function nextStatus(previous: MonitorStatus | undefined, success: boolean): MonitorStatus {
  if (previous === undefined) return success ? 'Healthy' : 'InitialUnhealthy';
  if (previous === 'InitialUnhealthy' && !success) return 'InitialUnhealthy';
  return success ? 'Healthy' : 'Unhealthy';
}

/** The event as the API serializes it, in Feldera's field order; `status` leaves the infos out. */
export function selectEvent(e: StoredEvent, selector: 'status'): ClusterEventStatus;
export function selectEvent(e: StoredEvent, selector: Selector): ClusterEventFull;
export function selectEvent(e: StoredEvent, selector: Selector): ClusterEventFull {
  if (selector === 'status') {
    return {
      id: e.id,
      recorded_at: e.recorded_at,
      all_healthy: allHealthy(e),
      api_status: e.api_status,
      compiler_status: e.compiler_status,
      runner_status: e.runner_status,
    };
  }
  return {
    id: e.id,
    recorded_at: e.recorded_at,
    all_healthy: allHealthy(e),
    api_status: e.api_status,
    api_self_info: e.api_self_info,
    api_resources_info: e.api_resources_info,
    compiler_status: e.compiler_status,
    compiler_self_info: e.compiler_self_info,
    compiler_resources_info: e.compiler_resources_info,
    runner_status: e.runner_status,
    runner_self_info: e.runner_self_info,
    runner_resources_info: e.runner_resources_info,
  };
}

interface Probe {
  ok: boolean;
  step: Step | undefined;
  resourcesOk: boolean;
}

interface PlannedRound {
  /** Becomes visible (and is applied) once simulated now reaches this. */
  doneUs: number;
  /** When the next round starts. */
  nextUs: number;
  /** Round is the first of a (re)started recorder process. */
  restart: boolean;
  event?: StoredEvent;
  insert: boolean;
}

const statusKey = (s: Service) => `${s}_status` as const;
const selfKey = (s: Service) => `${s}_self_info` as const;
const resourcesKey = (s: Service) => `${s}_resources_info` as const;

/** Kubernetes-style random name suffix: `<10 chars>-<5 chars>` from its safe alphabet. */
function podSuffix(rng: Rng): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[rng.u32() % alphabet.length]).join('');
  return `${pick(10)}-${pick(5)}`;
}

export function createModel(opts: ModelOptions): MonitorModel {
  const { scenario, edition } = opts;
  const rng: Rng = createRng(opts.seed);
  const monitorStartUs = Math.round(opts.monitorStart * 1000);
  const lifetimes = recorderLifetimes(scenario.recorder).map((l) => ({
    startUs: monitorStartUs + l.start * 1000,
    endUs: l.end === Infinity ? Infinity : monitorStartUs + l.end * 1000,
  }));
  const pod = podSuffix(rng);

  // The table, oldest first, and an index by id.
  let stored: StoredEvent[] = [];
  const byId = new Map<string, StoredEvent>();
  const log: LogEntry[] = [];
  const logIndex = new Map<string, LogEntry>();

  // The monitor loop's local state (reset when the recorder process restarts).
  let loop: LoopState = FRESH_LOOP;
  let lifetime = 0;
  let nextRoundUs = lifetimes[0]?.startUs ?? Infinity;
  let round = 0;
  let pending: PlannedRound | undefined;
  let lastNowUs = -Infinity;

  const textCache = new WeakMap<Step, { self: string; resources: [string, string] }>();
  const defaultTexts = new Map<Service, string>();

  function texts(service: Service, probe: Probe): { self: string; resources: string } {
    const step = probe.step;
    if (!step) {
      let self = defaultTexts.get(service);
      if (self === undefined) defaultTexts.set(service, (self = selfInfoText(service, { kind: 'healthy' }, edition)));
      return { self, resources: truncateInfo(resourcesInfoText(service, true, edition, pod)) };
    }
    let cached = textCache.get(step);
    if (!cached) {
      const self = truncateInfo(step.info ?? selfInfoText(service, step, edition));
      const resources = (ok: boolean) =>
        truncateInfo(
          edition === 'enterprise' && step.resourcesInfo !== undefined ? step.resourcesInfo : resourcesInfoText(service, ok, edition, pod),
        );
      cached = { self, resources: [resources(true), resources(false)] };
      textCache.set(step, cached);
    }
    return { self: cached.self, resources: cached.resources[probe.resourcesOk ? 0 : 1] };
  }

  function probe(service: Service, tMs: number): Probe {
    const step = stepAt(scenario.services[service], tMs);
    const selfOk = !step || step.kind === 'healthy';
    const resourcesOk =
      edition === 'community' ? true : (step?.resources ?? (step?.kind === 'unreachable' ? 'unhealthy' : 'healthy')) === 'healthy';
    return { ok: selfOk && resourcesOk, step, resourcesOk };
  }

  function latencyUs(step: Step | undefined): number {
    switch (step?.kind ?? 'healthy') {
      case 'timeout':
        return 5_000_000 + rng.int(0, 3000);
      case 'unreachable':
        return rng.int(150, 1500);
      default:
        return rng.int(800, 6000);
    }
  }

  /** Works out the next round: when it runs, whether it records, and what. Consumes randomness once. */
  function plan(): PlannedRound | undefined {
    let restart = false;
    let startUs = nextRoundUs;
    for (;;) {
      const life = lifetimes[lifetime];
      if (!life) return undefined;
      if (startUs < life.startUs) startUs = life.startUs;
      if (startUs < life.endUs) break;
      lifetime++;
      restart = true;
      startUs = lifetimes[lifetime]?.startUs ?? Infinity;
    }
    if (startUs === lifetimes[lifetime]!.startUs && startUs !== monitorStartUs) restart = true;

    const tMs = (startUs - monitorStartUs) / 1000;
    // Read the latest event, then poll the three services one after the other.
    let clockUs = startUs + rng.int(300, 1500);
    const probes = {} as Record<Service, Probe>;
    for (const s of SERVICES) {
      probes[s] = probe(s, tMs);
      clockUs += latencyUs(probes[s].step);
      if (edition === 'enterprise') clockUs += rng.int(2000, 8000);
    }
    const latest = stored[stored.length - 1];
    const newHealthy = SERVICES.every((s) => probes[s].ok);

    const decision = decideRecording(loop, { restart, latestHealthy: latest && allHealthy(latest), newHealthy });
    loop = decision.state;
    const insert = decision.insert;

    let event: StoredEvent | undefined;
    let doneUs = clockUs;
    let endUs = clockUs;
    if (insert) {
      const idMs = Math.floor(clockUs / 1000);
      const recordedAtUs = clockUs + rng.int(300, 1500);
      const e = {
        id: uuidv7(idMs, rng),
        recordedAtUs,
        recorded_at: formatMicros(recordedAtUs),
        round,
      } as StoredEvent;
      for (const s of SERVICES) {
        const t = texts(s, probes[s]);
        e[statusKey(s)] = nextStatus(latest?.[statusKey(s)], probes[s].ok);
        e[selfKey(s)] = t.self;
        e[resourcesKey(s)] = t.resources;
      }
      event = e;
      doneUs = recordedAtUs;
      endUs = recordedAtUs + rng.int(800, 4000); // the retention clean-up
      // A process killed before its insert committed writes nothing.
      if (doneUs >= lifetimes[lifetime]!.endUs) event = undefined;
    }
    round++;
    return { doneUs, nextUs: endUs + MONITOR_INTERVAL_MS * 1000, restart, event, insert };
  }

  function applyRetention(nowUs: number): void {
    const n = stored.length;
    if (n <= 1) return;
    const threshold = nowUs - RETENTION_MS * 1000;
    let cut = 0;
    while (cut < n - 1 && stored[cut]!.recordedAtUs < threshold) cut++;
    const byAge = cut;
    if (n - cut > RETENTION_COUNT) cut = n - RETENTION_COUNT;
    if (cut === 0) return;
    for (let i = 0; i < cut; i++) {
      const e = stored[i]!;
      byId.delete(e.id);
      const entry = logIndex.get(e.id)!;
      entry.deletedAtUs = nowUs;
      entry.deletedBecause = i < byAge ? 'age' : 'count';
    }
    stored = stored.slice(cut);
  }

  function commit(p: PlannedRound): void {
    nextRoundUs = p.nextUs;
    if (!p.event) return;
    const e = p.event;
    stored.push(e);
    byId.set(e.id, e);
    const entry: LogEntry = { event: e };
    log.push(entry);
    logIndex.set(e.id, entry);
    applyRetention(e.recordedAtUs + 1000);
  }

  return {
    monitorStart: opts.monitorStart,
    edition,
    catchUp(nowMs) {
      const nowUs = Math.floor(nowMs * 1000);
      if (nowUs <= lastNowUs) return;
      lastNowUs = nowUs;
      for (;;) {
        pending ??= plan();
        if (!pending || pending.doneUs > nowUs) return;
        commit(pending);
        pending = undefined;
      }
    },
    events: () => stored.slice().reverse(),
    latest: () => stored[stored.length - 1],
    get: (id) => byId.get(id),
    health() {
      const latest = stored[stored.length - 1];
      if (!latest) return undefined;
      const service = (s: Service): ServiceHealth => {
        const healthy = latest[statusKey(s)] === 'Healthy';
        let since = latest.recorded_at;
        for (let i = stored.length - 2; i >= 0; i--) {
          const e = stored[i]!;
          if ((e[statusKey(s)] === 'Healthy') !== healthy) break;
          since = e.recorded_at;
        }
        return { healthy, message: latest[selfKey(s)], unchanged_since: since, checked_at: latest.recorded_at };
      };
      return { all_healthy: allHealthy(latest), api: service('api'), compiler: service('compiler'), runner: service('runner') };
    },
    log,
    roundsRun: () => round - (pending ? 1 : 0),
  };
}
