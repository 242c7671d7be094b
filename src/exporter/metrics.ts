/**
 * The exporter's Prometheus metrics, made with prom-client.
 *
 * - The instances' gauges (`feldera_cluster_*`): a registry of their own made for each answer
 *   (`rowsText`), set from the rows being served, so no value outlives the answer it came from
 *   and concurrent probes never share a gauge. Every gauge carries `profile` and `host`, service
 *   gauges `service` too; a row that could not be read exports `feldera_cluster_up 0`, its verdict
 *   and its read's duration only. Labels hold the profile name and the host URL, never a
 *   credential (a host with credentials in it is refused when the connection is resolved).
 * - The exporter's own (`createOwnMetrics`, on `/metrics`): prom-client's process metrics, less
 *   the three gauges named `…_total` that `promtool check metrics` rejects (a `_total` suffix
 *   belongs to counters), its build, and counters of probes, reads and connections.
 */
import type * as Prom from 'prom-client';
import { MONITOR_STATUSES } from '../api/types.js';
import type { FleetRow } from '../domain/fleet.js';
import { VERDICTS } from '../domain/verdict.js';

export interface ExportedRow {
  row: FleetRow;
  /** How long reading this row took. */
  durationMs: number;
  /** How long ago its answer came (ages grow by it). */
  sinceReadMs: number;
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
  info: [
    'feldera_cluster_info',
    "1, labelled with the version, edition and revision the instance's /v0/config gives (remembered for a day)",
  ],
} as const;

type GaugeKey = keyof typeof CLUSTER_GAUGES;
const SERVICE_GAUGES = new Set<GaugeKey>(['serviceHealthy', 'serviceStatus', 'unchangedSince']);

/** The label names of a cluster gauge. */
function labelsOf(key: GaugeKey): string[] {
  return [
    'profile',
    'host',
    ...(SERVICE_GAUGES.has(key) ? ['service'] : []),
    ...(key === 'serviceStatus' ? ['status'] : []),
    ...(key === 'verdict' ? ['verdict'] : []),
    ...(key === 'info' ? ['version', 'edition', 'revision'] : []),
  ];
}

/** The exposition text of these rows' gauges (a registry made for this answer alone). */
export function rowsText(prom: typeof Prom, rows: readonly ExportedRow[]): Promise<string> {
  const registry = new prom.Registry();
  const gauges = {} as Record<GaugeKey, Prom.Gauge>;
  for (const [key, [name, help]] of Object.entries(CLUSTER_GAUGES) as [GaugeKey, readonly [string, string]][])
    gauges[key] = new prom.Gauge({ name, help, labelNames: labelsOf(key), registers: [registry] });
  for (const r of rows) setRow(gauges, r);
  return registry.metrics();
}

/** prom-client's default gauges whose names end in `_total`, which `promtool check metrics` rejects. */
export const REJECTED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export type ProbeResult = 'up' | 'down' | 'refused';

export interface OwnMetrics {
  registry: Prom.Registry;
  /** A probe answered: the instance read (`up`), not (`down`), or the target refused (`refused`, 400). */
  probe(result: ProbeResult): void;
  /** A read of an instance started (each asks Feldera two or three requests at once). */
  read(): void;
  /** A connection was closed to make room for another (the connection cap). */
  evicted(): void;
}

/** The exporter's own metrics: process, build, probes, reads, evicted connections. */
export function createOwnMetrics(prom: typeof Prom, build: { version: string; nodeVersion: string }): OwnMetrics {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  for (const name of REJECTED_DEFAULTS) registry.removeSingleMetric(name);
  new prom.Gauge({
    name: 'feldera_cluster_exporter_build_info',
    help: "1, labelled with this exporter's version and the Node.js version it runs on",
    labelNames: ['version', 'node_version'],
    registers: [registry],
  }).set({ version: build.version, node_version: build.nodeVersion }, 1);
  const probes = new prom.Counter({
    name: 'feldera_cluster_exporter_probes_total',
    help: 'probes answered, by result: up (the instance was read), down (it was not), refused (400: not an allowed target)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['up', 'down', 'refused']) probes.inc({ result }, 0);
  const reads = new prom.Counter({
    name: 'feldera_cluster_exporter_reads_total',
    help: 'reads of Feldera instances started (each asks /v0/cluster_healthz and the latest event at once; /v0/config once a day)',
    registers: [registry],
  });
  const evicted = new prom.Counter({
    name: 'feldera_cluster_exporter_connections_evicted_total',
    help: 'connections closed to make room for a new one at the connection cap (idle or still sending their request)',
    registers: [registry],
  });
  return {
    registry,
    probe: (result) => probes.inc({ result }),
    read: () => reads.inc(),
    evicted: () => evicted.inc(),
  };
}

function setRow(g: Record<GaugeKey, Prom.Gauge>, { row, durationMs, sinceReadMs }: ExportedRow): void {
  const base = { profile: row.profile, host: row.host };
  const v = row.verdict;
  g.duration.set(base, durationMs / 1000);
  g.up.set(base, v.verdict === 'unreachable' ? 0 : 1);
  for (const verdict of VERDICTS) g.verdict.set({ ...base, verdict }, v.verdict === verdict ? 1 : 0);
  if (v.since !== undefined) g.since.set(base, v.since / 1000);
  if (row.server && v.verdict !== 'unreachable') {
    const { version, edition, revision } = row.server;
    g.info.set({ ...base, version, edition, revision: revision ?? '' }, 1);
  }
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
