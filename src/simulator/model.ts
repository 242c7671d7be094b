/**
 * Feldera's cluster monitor, modelled: the loop in `cluster_monitor.rs` (rounds every 10 s,
 * what gets recorded, `InitialUnhealthy`, back-off) and the `cluster_monitor_event` table with its
 * retention, driven by simulated time. Pure and deterministic for a given scenario, seed and
 * clock; nothing runs on its own: `catchUp(now)` runs every round that has become due.
 */
import type { HealthStatus, Service } from '../api/types.js';
import { SERVICES } from '../api/types.js';
import { allHealthy, nextStatus, selfKey, statusKey, type StoredEvent } from './event.js';
import { healthOf } from './health.js';
import { formatMicros, uuidv7 } from './ids.js';
import { decideRecording, FRESH_LOOP, type LoopState } from './policy.js';
import { createRng, type Rng } from './rng.js';
import { createEventTable, type LogEntry } from './table.js';
import { recorderLifetimes, stepAt, type Scenario, type Step } from './scenario.js';
import { resourcesInfoText, selfInfoText, truncateInfo, type Edition } from './texts.js';

export { nextStatus, selectEvent, type StoredEvent } from './event.js';
export { STORE_EVERY_ROUNDS } from './policy.js';
export { RETENTION_COUNT, RETENTION_MS, type LogEntry } from './table.js';

/** Interval between monitor rounds. */
export const MONITOR_INTERVAL_MS = 10_000;

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

  const table = createEventTable();

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
    const latest = table.latest();
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

  function commit(p: PlannedRound): void {
    nextRoundUs = p.nextUs;
    if (!p.event) return;
    table.insert(p.event);
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
    events: table.events,
    latest: table.latest,
    get: table.get,
    health: () => healthOf(table.rows()),
    log: table.log,
    roundsRun: () => round - (pending ? 1 : 0),
  };
}
