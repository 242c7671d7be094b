/**
 * Feldera's cluster monitor, modelled: the loop in `cluster_monitor.rs` (rounds every 10 s,
 * what gets recorded, `InitialUnhealthy`, back-off) and the `cluster_monitor_event` table with its
 * retention, driven by simulated time. Pure and deterministic for a given scenario, seed and
 * clock; nothing runs on its own: `catchUp(now)` runs every round that has become due.
 *
 * This file ties the pieces together: round planning (round.ts), the recording policy
 * (policy.ts), the table (table.ts) and the health body (health.ts).
 */
import type { HealthStatus } from '../api/types.js';
import type { StoredEvent } from './event.js';
import { createTextLookup, podSuffix } from './event-texts.js';
import { healthOf } from './health.js';
import { FRESH_LOOP } from './policy.js';
import { createRng } from './rng.js';
import { firstCursor, type LoopCursor, lifetimesUs, type PlannedRound, planRound, type RoundContext } from './round.js';
import type { Scenario } from './scenario.js';
import { createEventTable, type LogEntry } from './table.js';
import type { Edition } from './texts.js';

export { nextStatus, type StoredEvent, selectEvent } from './event.js';
export { STORE_EVERY_ROUNDS } from './policy.js';
export { MONITOR_INTERVAL_MS } from './round.js';
export { type LogEntry, RETENTION_COUNT, RETENTION_MS } from './table.js';

export interface ModelOptions {
  scenario: Scenario;
  edition: Edition;
  seed: number;
  /** Epoch ms at which the monitor (the manager) started: the scenario's time zero. */
  monitorStart: number;
  /** Keep every event ever recorded in `log` (default true; see table.ts). */
  keepLog?: boolean;
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

function roundContext(opts: ModelOptions): RoundContext {
  const { scenario, edition } = opts;
  const rng = createRng(opts.seed);
  const monitorStartUs = Math.round(opts.monitorStart * 1000);
  // The pod name is the seed's first draw, before any round's.
  const texts = createTextLookup(edition, podSuffix(rng), scenario.resourcesDisabled ?? false);
  return { scenario, edition, rng, monitorStartUs, lifetimes: lifetimesUs(scenario.recorder, monitorStartUs), texts };
}

export function createModel(opts: ModelOptions): MonitorModel {
  const ctx = roundContext(opts);
  const table = createEventTable(opts.keepLog ?? true);
  let cursor: LoopCursor = firstCursor(ctx.lifetimes, FRESH_LOOP);
  // The next round is planned (drawing its randomness) as soon as the previous one is applied,
  // and waits here until simulated time reaches its end.
  let pending: PlannedRound | undefined;
  let lastNowUs = -Infinity;

  function plan(): PlannedRound | undefined {
    const next = planRound(ctx, cursor, table.latest());
    if (!next) return undefined;
    cursor = next.cursor;
    return next.planned;
  }

  return {
    monitorStart: opts.monitorStart,
    edition: opts.edition,
    catchUp(nowMs) {
      const nowUs = Math.floor(nowMs * 1000);
      if (nowUs <= lastNowUs) return;
      lastNowUs = nowUs;
      for (;;) {
        pending ??= plan();
        if (!pending || pending.doneUs > nowUs) return;
        if (pending.event) table.insert(pending.event);
        pending = undefined;
      }
    },
    events: table.events,
    latest: table.latest,
    get: table.get,
    health: () => healthOf(table.rows()),
    log: table.log,
    roundsRun: () => cursor.round - (pending ? 1 : 0),
  };
}
