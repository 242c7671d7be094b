/**
 * "Is it healthy now": the server's `GET /v0/cluster_healthz` (whose 200 and 503 both carry the
 * answer), in today's shape or in the `{runner, compiler}` shape of Feldera v0.121–v0.200.
 *
 * There is no fallback for a server that answers 404 there: every Feldera with cluster monitor
 * events (v0.201+) has `/v0/cluster_healthz`, which came first (v0.121). A 404 is explained by
 * the server's version instead (feldera-version.ts).
 */
import type { Answer, ClusterClient } from '../api/client.js';
import { type HealthBody, type HealthStatus, type PlatformConfig, SERVICES } from '../api/types.js';
import type { ServerEntry } from '../config/state.js';
import type { Context } from '../context.js';
import {
  healthCheck,
  normalizeHealth,
  provesHistorySince,
  type StatusesOf,
  serviceStatuses,
  unchangedSince,
} from '../domain/health.js';
import type { Check } from '../domain/verdict.js';
import { explainMissingRoute, historySinceOf, rememberedServer, rememberServer } from './feldera-version.js';
import { serverClock } from './server-clock.js';

export interface HealthAnswer {
  /** As the server sent it (what --json prints). */
  body: HealthBody;
  /** The same in today's shape, for verdicts and tables. */
  health: HealthStatus;
  /** The server sent the v0.121–v0.200 shape: the API server is taken as healthy (it answered). */
  legacy: boolean;
  /** The server's now (Date header), or the local clock's. */
  now: number;
  /** The server's Date was not believed: how far it was from the local clock (server − local, ms). */
  clockSkewMs?: number;
  /** Each service's MonitorStatus: from the latest event when it was read and matches, else inferred. */
  statuses: StatusesOf;
  /** The server makes `unchanged_since` from the event history (v0.336+); undefined: not known. */
  historySince: boolean | undefined;
  /** What the answer says, to judge (domain/verdict.ts). */
  check: Check;
  /** What the server said it runs (`/v0/config`, asked now or remembered), when known. */
  server: ServerEntry | undefined;
}

/**
 * Where what a host said it runs is remembered: state.json for a day by default
 * (feldera-version.ts); a long-running exporter keeps it in memory in front of that, so no scrape
 * reads the file.
 */
export interface ServerMemory {
  get(host: string): ServerEntry | undefined;
  /** Remember what `host` says it runs; undefined: forget it, so the next read asks. */
  set(host: string, config: PlatformConfig | undefined): ServerEntry | undefined;
}

/** The default memory: state.json (rememberedServer / rememberServer). */
export function stateServerMemory(ctx: Pick<Context, 'verbose' | 'clock' | 'env'>): ServerMemory {
  return {
    get: (host) => rememberedServer(ctx, host),
    set: (host, config) => rememberServer(ctx, host, config),
  };
}

export interface HealthReads {
  /**
   * Read the latest event's statuses too (`…/latest?selector=status`, about 250 bytes, at the same
   * time), to tell a starting service from a failing one. Default true.
   */
  statuses?: boolean;
  /** Where the server's version is remembered (default: state.json). */
  memory?: ServerMemory;
}

/**
 * Whether `unchanged_since` can be believed where it equals `checked_at`: known from the version
 * this host said it runs (remembered for a day in state.json, else asked at the same time as the
 * health answer, so it adds no round trip), and proved by the answer itself when some service's
 * `unchanged_since` differs from its `checked_at` (only v0.336+ sends that). An answer that
 * contradicts the remembered version (an upgrade, a downgrade) makes the next command ask again.
 */
async function historySince(
  ctx: Pick<Context, 'verbose'>,
  memory: ServerMemory,
  host: string,
  asked: Promise<PlatformConfig | undefined> | undefined,
  remembered: ServerEntry | undefined,
  health: HealthStatus,
  legacy: boolean,
): Promise<{ since: boolean | undefined; server: ServerEntry | undefined }> {
  const proved = provesHistorySince(health, legacy);
  if (asked) {
    const config = await asked;
    const server = config ? memory.set(host, config) : undefined;
    const fromVersion = config && historySinceOf(config.version);
    return { since: proved || fromVersion, server };
  }
  const fromMemory = remembered && historySinceOf(remembered.version);
  if ((proved && fromMemory === false) || (legacy && fromMemory !== undefined)) {
    ctx.verbose(`${host} no longer answers as Feldera ${remembered?.version} did: its version will be asked again`);
    memory.set(host, undefined);
    return { since: proved || fromMemory, server: undefined };
  }
  return { since: proved || fromMemory, server: remembered };
}

/** `/v0/cluster_healthz` and, at the same time, the latest event's statuses and (when not remembered) the server's version. */
export async function fetchHealth(
  client: Pick<ClusterClient, 'clusterHealth' | 'getEvent' | 'platformConfig' | 'connection'>,
  ctx: Pick<Context, 'verbose' | 'clock' | 'env'> & Partial<Pick<Context, 'printer'>>,
  opts: HealthReads = {},
): Promise<HealthAnswer> {
  const host = client.connection.host;
  // Read beside the HealthStatus; if it fails (an older server has no events), the statuses are inferred.
  const latest =
    opts.statuses === false
      ? undefined
      : client.getEvent('latest', 'status').then(
          (a) => a.data,
          () => undefined,
        );
  const memory = opts.memory ?? stateServerMemory(ctx);
  const remembered = memory.get(host);
  const asked = remembered
    ? undefined
    : client.platformConfig().then(
        (a) => a.data,
        () => undefined,
      );
  let a: Answer<HealthBody>;
  try {
    a = await client.clusterHealth();
  } catch (e) {
    throw await explainMissingRoute(e, client);
  }
  const { health, legacy } = normalizeHealth(a.data);
  if (legacy)
    ctx.verbose(
      `${host} answered /v0/cluster_healthz in the shape of Feldera v0.121–v0.200 (compiler and runner only): ` +
        'the API server is taken as healthy, since it answered',
    );
  const { since, server } = await historySince(ctx, memory, host, asked, remembered, health, legacy);
  const unknown = SERVICES.filter(
    (s) => unchangedSince(health, s, legacy, since) === undefined && !(legacy && s === 'api'),
  );
  if (unknown.length) {
    ctx.verbose(
      `unchanged_since equals checked_at for ${unknown.join(', ')} and ${host} is not known to run Feldera v0.336 or newer ` +
        "(before it, that is only the latest event's time, not a change): shown as unknown",
    );
  }
  const statuses = serviceStatuses(health, await latest);
  if (!statuses.exact && !health.all_healthy)
    ctx.verbose(
      'the latest event is not the one the health answer was made from: a service that is not healthy counts as Unhealthy',
    );
  const check = healthCheck(health, { legacy, statuses, historySince: since });
  const clock = serverClock(ctx, a.serverDate, host);
  return {
    body: a.data,
    health,
    legacy,
    now: clock.now,
    ...(clock.skewMs !== undefined && { clockSkewMs: clock.skewMs }),
    statuses,
    historySince: since,
    check,
    server,
  };
}
