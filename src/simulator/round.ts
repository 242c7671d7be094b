/**
 * Planning one monitor round: when it starts (within the recorder's lifetimes), what the three
 * checks answer and how long they take, whether the round records an event, and that event.
 * Every random draw of a round happens here, in a fixed order, so a seed reproduces the run.
 */
import type { Service } from '../api/types.js';
import { allHealthy, nextStatus, type StoredEvent, statusKey } from './event.js';
import type { TextLookup } from './event-texts.js';
import { formatTimestamp, uuidv7 } from './ids.js';
import { decideRecording, type LoopState } from './policy.js';
import { type Probe, probeLatencyUs, probeService } from './probe.js';
import type { Rng } from './rng.js';
import { type RecorderChange, recorderLifetimes, type Scenario } from './scenario.js';
import type { Edition } from './texts.js';

/** Interval between monitor rounds. */
export const MONITOR_INTERVAL_MS = 10_000;

/** A recorder process's life, in epoch µs: [startUs, endUs). */
export interface Lifetime {
  startUs: number;
  endUs: number;
}

/** What stays the same from round to round. */
export interface RoundContext {
  scenario: Scenario;
  edition: Edition;
  rng: Rng;
  monitorStartUs: number;
  lifetimes: readonly Lifetime[];
  texts: TextLookup;
}

/** Where the monitor loop stands between two rounds. */
export interface LoopCursor {
  /** When the next round may start, epoch µs. */
  nextRoundUs: number;
  /** Index into the lifetimes of the process running the loop. */
  lifetime: number;
  /** Index of the next round. */
  round: number;
  loop: LoopState;
  /** How many of the scenario's failed inserts have happened. */
  failedInserts: number;
}

export interface PlannedRound {
  /** Becomes visible (and is applied) once simulated now reaches this. */
  doneUs: number;
  /** The event to insert, if the round records one and its process lives to commit it. */
  event?: StoredEvent;
}

export function lifetimesUs(changes: readonly RecorderChange[], monitorStartUs: number): Lifetime[] {
  return recorderLifetimes(changes).map((l) => ({
    startUs: monitorStartUs + l.start * 1000,
    endUs: l.end === Infinity ? Infinity : monitorStartUs + l.end * 1000,
  }));
}

export function firstCursor(lifetimes: readonly Lifetime[], loop: LoopState): LoopCursor {
  return { nextRoundUs: lifetimes[0]?.startUs ?? Infinity, lifetime: 0, round: 0, loop, failedInserts: 0 };
}

/**
 * When the next round starts: at `fromUs` if the process `index` is still alive then, else at
 * the start of the next process alive; undefined when none is. A round that opens a process
 * other than the one started with the monitor is a restart.
 */
export function roundStart(
  lifetimes: readonly Lifetime[],
  index: number,
  fromUs: number,
  monitorStartUs: number,
): { lifetime: number; startUs: number; restart: boolean } | undefined {
  let restart = false;
  let startUs = fromUs;
  for (let i = index; ; i++) {
    const life = lifetimes[i];
    if (!life) return undefined;
    if (startUs < life.startUs) startUs = life.startUs;
    if (startUs < life.endUs)
      return { lifetime: i, startUs, restart: restart || (startUs === life.startUs && startUs !== monitorStartUs) };
    restart = true;
    startUs = lifetimes[i + 1]?.startUs ?? Infinity;
  }
}

/** Works out the round after `cursor`: when it runs, whether it records, and what. */
export function planRound(
  ctx: RoundContext,
  cursor: LoopCursor,
  latest: StoredEvent | undefined,
): { planned: PlannedRound; cursor: LoopCursor } | undefined {
  const start = roundStart(ctx.lifetimes, cursor.lifetime, cursor.nextRoundUs, ctx.monitorStartUs);
  if (!start) return undefined;
  const { probes, clockUs } = pollServices(ctx, start.startUs);
  const newHealthy = probes.api.ok && probes.compiler.ok && probes.runner.ok;
  const decision = decideRecording(cursor.loop, {
    restart: start.restart,
    latestHealthy: latest && allHealthy(latest),
    newHealthy,
  });
  const next = (endUs: number, failedInserts = cursor.failedInserts): LoopCursor => ({
    nextRoundUs: endUs + MONITOR_INTERVAL_MS * 1000,
    lifetime: start.lifetime,
    round: cursor.round + 1,
    loop: decision.state,
    failedInserts,
  });
  if (!decision.insert) return { planned: { doneUs: clockUs }, cursor: next(clockUs) };
  // A database hiccup: the counter is reset (decision.state says so), but nothing is stored.
  const due = ctx.scenario.failedInserts?.[cursor.failedInserts];
  if (due !== undefined && clockUs >= ctx.monitorStartUs + due * 1000) {
    return { planned: { doneUs: clockUs }, cursor: next(clockUs, cursor.failedInserts + 1) };
  }

  const { event, endUs } = recordEvent(ctx, probes, latest, clockUs, cursor.round);
  // A process killed before its insert committed writes nothing.
  const alive = event.recordedAtUs < ctx.lifetimes[start.lifetime]!.endUs;
  return { planned: { doneUs: event.recordedAtUs, event: alive ? event : undefined }, cursor: next(endUs) };
}

/**
 * Reads the latest event, then checks the three services one after the other — each check sees
 * the scenario at the moment it starts and takes its time (a timeout its full 5 s) — then, in
 * Enterprise unless the configuration turns it off, asks Kubernetes about each service's objects.
 * So a round lasts its checks plus the 10 s sleep, and a healthy period 60 such rounds.
 */
function pollServices(ctx: RoundContext, startUs: number): { probes: Record<Service, Probe>; clockUs: number } {
  let clockUs = startUs + ctx.rng.int(300, 1500);
  const poll = (service: Service): Probe => {
    const probe = probeService(ctx.scenario, ctx.edition, service, (clockUs - ctx.monitorStartUs) / 1000);
    clockUs += probeLatencyUs(probe.step, ctx.rng, ctx.scenario.services[service]?.latency);
    return probe;
  };
  // Object literals evaluate in order: api, compiler, then runner, as the monitor polls them.
  const probes = { api: poll('api'), compiler: poll('compiler'), runner: poll('runner') };
  if (ctx.edition === 'enterprise' && !ctx.scenario.resourcesDisabled) {
    for (let i = 0; i < 3; i++) clockUs += ctx.rng.int(2000, 8000); // one Kubernetes query per service
  }
  return { probes, clockUs };
}

/** The row a recording round inserts, and when the round ends (after the retention clean-up). */
function recordEvent(
  ctx: RoundContext,
  probes: Record<Service, Probe>,
  latest: StoredEvent | undefined,
  clockUs: number,
  round: number,
): { event: StoredEvent; endUs: number } {
  const recordedAtUs = clockUs + ctx.rng.int(300, 1500);
  const id = uuidv7(Math.floor(clockUs / 1000), ctx.rng);
  const column = (s: Service) => ({
    status: nextStatus(latest?.[statusKey(s)], probes[s].ok),
    ...ctx.texts(s, probes[s]),
  });
  const api = column('api');
  const compiler = column('compiler');
  const runner = column('runner');
  const event: StoredEvent = {
    id,
    recordedAtUs,
    recorded_at: formatTimestamp(recordedAtUs),
    round,
    api_status: api.status,
    api_self_info: api.self,
    api_resources_info: api.resources,
    compiler_status: compiler.status,
    compiler_self_info: compiler.self,
    compiler_resources_info: compiler.resources,
    runner_status: runner.status,
    runner_self_info: runner.self,
    runner_resources_info: runner.resources,
  };
  return { event, endUs: recordedAtUs + ctx.rng.int(800, 4000) };
}
