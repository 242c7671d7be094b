/**
 * "Is it healthy now": the server's HealthStatus (`GET /v0/cluster_healthz`, whose 200 and 503
 * both carry it), or the same computed from the events on a server that answers 404 there.
 */
import type { ClusterClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import type { HealthStatus } from '../../api/types.js';
import { computeHealthStatus } from '../../domain/health.js';
import { serviceStatuses, type StatusesOf } from '../../domain/service-status.js';
import type { Context } from '../../context.js';
import { nowOf } from './server-now.js';

export interface HealthAnswer {
  health: HealthStatus;
  /** The server's now (Date header), or the local clock's. */
  now: number;
  /** Computed from the events because the server has no /v0/cluster_healthz. */
  computed: boolean;
  /** Each service's MonitorStatus, when asked for (`statuses`; domain/service-status.ts). */
  statuses?: StatusesOf;
}

/**
 * With `statuses`, the latest event's statuses are read too (`…/latest?selector=status`, about
 * 250 bytes, at the same time), for callers that tell a starting service from a failing one.
 */
export async function fetchHealth(
  client: Pick<ClusterClient, 'clusterHealth' | 'getEvent' | 'listEvents' | 'connection'>,
  ctx: Pick<Context, 'verbose' | 'clock'>,
  opts: { statuses?: boolean } = {},
): Promise<HealthAnswer> {
  // Read beside the HealthStatus; if it fails, the statuses are inferred (serviceStatuses).
  const latest = opts.statuses ? client.getEvent('latest', 'status').then((a) => a.data, () => undefined) : undefined;
  try {
    const a = await client.clusterHealth();
    const answer: HealthAnswer = { health: a.data, now: nowOf(ctx, a.serverDate), computed: false };
    if (latest) answer.statuses = serviceStatuses(a.data, await latest);
    if (answer.statuses && !answer.statuses.exact) ctx.verbose('the latest event is not the one the health answer was made from: a service that is not healthy counts as Unhealthy');
    return answer;
  } catch (e) {
    if (!(e instanceof ApiError) || e.apiKind !== 'no-api') throw e;
  }
  ctx.verbose(
    `${client.connection.host} answered 404 for /v0/cluster_healthz (an older server): computing the same answer from /v0/cluster/events/latest?selector=all and /v0/cluster/events`,
  );
  const [full, list] = await Promise.all([client.getEvent('latest', 'all'), client.listEvents()]);
  const health = computeHealthStatus(full.data, list.data);
  return { health, now: nowOf(ctx, full.serverDate ?? list.serverDate), computed: true, ...(opts.statuses && { statuses: serviceStatuses(health, full.data) }) };
}
