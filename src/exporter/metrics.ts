/**
 * The exporter's Prometheus metrics: prom-client gauges in a registry of their own (with the
 * usual process metrics), set from the rows of the last read. Every gauge carries `profile` and
 * `host`, service gauges `service` too; a row that could not be read exports `feldera_cluster_up 0`
 * and its scrape duration only, so no value outlives the answer it came from. Labels hold the
 * profile name and the host URL, never a credential (a host with credentials in it is refused
 * when the connection is resolved).
 */
import type * as Prom from 'prom-client';
import { MONITOR_STATUSES } from '../api/types.js';
import type { FleetRow } from '../domain/fleet.js';
import { VERDICTS } from '../domain/verdict.js';

export interface ExportedRow {
  row: FleetRow;
  /** How long reading this row took. */
  durationMs: number;
}

export interface ClusterMetrics {
  registry: Prom.Registry;
  /** Set every gauge from `rows`; `sinceReadMs` is how long ago they were read (ages grow by it). */
  update(rows: readonly ExportedRow[], sinceReadMs: number): void;
}

/** Name and help of every cluster gauge, in the order they are listed in the README. */
export const CLUSTER_GAUGES = {
  up: [
    'feldera_cluster_up',
    '1 when the last read of the instance got an answer (any verdict but unreachable), else 0',
  ],
  verdict: [
    'feldera_cluster_verdict',
    "1 for the instance's verdict (healthy, starting, unhealthy, stale, unreachable), 0 for the others",
  ],
  since: [
    'feldera_cluster_verdict_since_timestamp_seconds',
    'since when the verdict has held, seconds since the epoch (absent when unknown)',
  ],
  healthy: ['feldera_cluster_healthy', '1 when all services are healthy and the data is not stale, else 0'],
  stale: [
    'feldera_cluster_stale',
    '1 when the health data is stale: all healthy, but the latest check is too old to trust (the recorder stopped)',
  ],
  serviceHealthy: ['feldera_cluster_service_healthy', '1 when the service passed its latest health check, else 0'],
  serviceStatus: [
    'feldera_cluster_service_status',
    "1 for the service's current monitor status (Healthy, InitialUnhealthy, Unhealthy), 0 for the others",
  ],
  lastCheck: [
    'feldera_cluster_last_check_timestamp_seconds',
    "the latest check's time (checked_at), seconds since the epoch",
  ],
  checkAge: ['feldera_cluster_check_age_seconds', "age of the latest check by the server's clock (Date header)"],
  unchangedSince: [
    'feldera_cluster_service_unchanged_since_timestamp_seconds',
    'since when the service has been healthy (or not), seconds since the epoch; bounded by retention',
  ],
  duration: ['feldera_cluster_scrape_duration_seconds', 'how long the last read of this instance took'],
} as const;

type GaugeKey = keyof typeof CLUSTER_GAUGES;
const SERVICE_GAUGES = new Set<GaugeKey>(['serviceHealthy', 'serviceStatus', 'unchangedSince']);

export function createMetrics(prom: typeof Prom): ClusterMetrics {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  const gauges = {} as Record<GaugeKey, Prom.Gauge>;
  for (const [key, [name, help]] of Object.entries(CLUSTER_GAUGES) as [GaugeKey, readonly [string, string]][]) {
    const labelNames = [
      'profile',
      'host',
      ...(SERVICE_GAUGES.has(key) ? ['service'] : []),
      ...(key === 'serviceStatus' ? ['status'] : []),
      ...(key === 'verdict' ? ['verdict'] : []),
    ];
    gauges[key] = new prom.Gauge({ name, help, labelNames, registers: [registry] });
  }
  return {
    registry,
    update(rows, sinceReadMs) {
      for (const g of Object.values(gauges)) g.reset();
      for (const r of rows) setRow(gauges, r, sinceReadMs);
    },
  };
}

function setRow(g: Record<GaugeKey, Prom.Gauge>, { row, durationMs }: ExportedRow, sinceReadMs: number): void {
  const base = { profile: row.profile, host: row.host };
  const v = row.verdict;
  g.duration.set(base, durationMs / 1000);
  g.up.set(base, v.verdict === 'unreachable' ? 0 : 1);
  for (const verdict of VERDICTS) g.verdict.set({ ...base, verdict }, v.verdict === verdict ? 1 : 0);
  if (v.since !== undefined) g.since.set(base, v.since / 1000);
  if (v.checkedAt === undefined || v.services.length === 0) return;
  g.healthy.set(base, v.verdict === 'healthy' ? 1 : 0);
  g.stale.set(base, v.verdict === 'stale' ? 1 : 0);
  g.lastCheck.set(base, v.checkedAt / 1000);
  g.checkAge.set(base, ((v.ageMs ?? 0) + sinceReadMs) / 1000);
  for (const s of v.services) {
    const labels = { ...base, service: s.service };
    g.serviceHealthy.set(labels, s.status === 'Healthy' ? 1 : 0);
    // Only where it is known (domain/health.ts): not an `unchanged_since` that is only the last check.
    if (s.since !== undefined) g.unchangedSince.set(labels, s.since / 1000);
    for (const status of MONITOR_STATUSES) g.serviceStatus.set({ ...labels, status }, status === s.status ? 1 : 0);
  }
}
