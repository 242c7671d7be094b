/**
 * "Is it healthy now": the server's `GET /v0/cluster_healthz` (whose 200 and 503 both carry the
 * answer), in today's shape or in the `{runner, compiler}` shape of Feldera v0.121–v0.200.
 *
 * There is no fallback for a server that answers 404 there: every Feldera with cluster monitor
 * events (v0.201+) has `/v0/cluster_healthz`, which came first (v0.121). A 404 is explained by
 * the server's version instead (feldera-version.ts).
 */
import type { Answer, ClusterClient } from '../api/client.js';
import { type HealthBody, type HealthStatus, SERVICES } from '../api/types.js';
import type { Context } from '../context.js';
import { normalizeHealth, unchangedSince } from '../domain/health.js';
import { type StatusesOf, serviceStatuses } from '../domain/service-status.js';
import { explainMissingRoute } from './feldera-version.js';
import { nowOf } from './server-clock.js';

export interface HealthAnswer {
  /** As the server sent it (what --json prints). */
  body: HealthBody;
  /** The same in today's shape, for verdicts and tables. */
  health: HealthStatus;
  /** The server sent the v0.121–v0.200 shape: the API server is taken as healthy (it answered). */
  legacy: boolean;
  /** The server's now (Date header), or the local clock's. */
  now: number;
  /** Each service's MonitorStatus, when asked for (`statuses`; domain/service-status.ts). */
  statuses?: StatusesOf;
}

/**
 * With `statuses`, the latest event's statuses are read too (`…/latest?selector=status`, about
 * 250 bytes, at the same time), for callers that tell a starting service from a failing one.
 */
export async function fetchHealth(
  client: Pick<ClusterClient, 'clusterHealth' | 'getEvent' | 'platformConfig' | 'connection'>,
  ctx: Pick<Context, 'verbose' | 'clock'>,
  opts: { statuses?: boolean } = {},
): Promise<HealthAnswer> {
  // Read beside the HealthStatus; if it fails (an older server has no events), the statuses are inferred.
  const latest = opts.statuses
    ? client.getEvent('latest', 'status').then(
        (a) => a.data,
        () => undefined,
      )
    : undefined;
  let a: Answer<HealthBody>;
  try {
    a = await client.clusterHealth();
  } catch (e) {
    throw await explainMissingRoute(e, client);
  }
  const { health, legacy } = normalizeHealth(a.data);
  if (legacy)
    ctx.verbose(
      `${client.connection.host} answered /v0/cluster_healthz in the shape of Feldera v0.121–v0.200 (compiler and runner only): the API server is taken as healthy, since it answered`,
    );
  const unknown = SERVICES.filter((s) => unchangedSince(health, s, legacy) === undefined && !(legacy && s === 'api'));
  if (unknown.length) {
    ctx.verbose(
      `unchanged_since equals checked_at for ${unknown.join(', ')}: before Feldera v0.336 (commit 83023b83e) that is only the latest event's time, not a change, so it is shown as unknown`,
    );
  }
  const answer: HealthAnswer = { body: a.data, health, legacy, now: nowOf(ctx, a.serverDate) };
  if (latest) {
    answer.statuses = serviceStatuses(health, await latest);
    if (!answer.statuses.exact)
      ctx.verbose(
        'the latest event is not the one the health answer was made from: a service that is not healthy counts as Unhealthy',
      );
  }
  return answer;
}
