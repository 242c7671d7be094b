/**
 * "Is it healthy now": the server's HealthStatus (`GET /v0/cluster_healthz`, whose 200 and 503
 * both carry it), or the same computed from the events on a server that answers 404 there.
 */
import type { ClusterClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import type { HealthStatus } from '../../api/types.js';
import { computeHealthStatus } from '../../domain/health.js';
import type { Context } from '../../context.js';
import { nowOf } from './server-now.js';

export interface HealthAnswer {
  health: HealthStatus;
  /** The server's now (Date header), or the local clock's. */
  now: number;
  /** Computed from the events because the server has no /v0/cluster_healthz. */
  computed: boolean;
}

export async function fetchHealth(client: Pick<ClusterClient, 'clusterHealth' | 'getEvent' | 'listEvents' | 'connection'>, ctx: Pick<Context, 'verbose' | 'clock'>): Promise<HealthAnswer> {
  try {
    const a = await client.clusterHealth();
    return { health: a.data, now: nowOf(ctx, a.serverDate), computed: false };
  } catch (e) {
    if (!(e instanceof ApiError) || e.apiKind !== 'no-api') throw e;
  }
  ctx.verbose(
    `${client.connection.host} answered 404 for /v0/cluster_healthz (an older server): computing the same answer from /v0/cluster/events/latest?selector=all and /v0/cluster/events`,
  );
  const [latest, list] = await Promise.all([client.getEvent('latest', 'all'), client.listEvents()]);
  return { health: computeHealthStatus(latest.data, list.data), now: nowOf(ctx, latest.serverDate ?? list.serverDate), computed: true };
}
