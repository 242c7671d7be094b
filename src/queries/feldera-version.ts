/**
 * Which Feldera versions have which routes, and the explanation a command gives when a route is
 * missing (a 404 without a Feldera body): the server's version from `/v0/config`, when it answers.
 *
 * From Feldera's history: `/v0/cluster_healthz` came in v0.121.0 (commit 303d3b2bb, compiler and
 * runner only); the cluster monitor events and today's `/v0/cluster_healthz` in v0.201.0 (commit
 * d0d788e11); `unchanged_since` from the event history in v0.336.0 (commit 83023b83e).
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { Context } from '../context.js';
import { sanitizeLine } from '../io/sanitize.js';

export const FIRST_HEALTHZ = [0, 121, 0] as const;
export const FIRST_EVENTS = [0, 201, 0] as const;
export const FIRST_HISTORY_SINCE = [0, 336, 0] as const;

type Version = readonly [number, number, number];

/** `0.150.0`, `v0.150.0-rc1` → [0, 150, 0]; undefined when it does not start like a version. */
export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function olderThan(v: Version, than: Version): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== than[i]) return v[i]! < than[i]!;
  return false;
}

const show = (v: Version) => `v${v.join('.')}`;

/** The server's version, or undefined when `/v0/config` does not answer with one. */
async function versionOf(client: Pick<ClusterClient, 'platformConfig'>): Promise<string | undefined> {
  try {
    return sanitizeLine((await client.platformConfig()).data.version);
  } catch {
    return undefined;
  }
}

/**
 * A missing-route error explained by the server's version: an events route on a Feldera older
 * than v0.201 (exit 1, pointing at `status`), `/v0/cluster_healthz` on one older than v0.121, or —
 * for a version that has the route — most likely a proxy that does not pass it. Anything else, or
 * a server that does not say its version, is returned unchanged.
 */
export async function explainMissingRoute(
  e: unknown,
  client: Pick<ClusterClient, 'platformConfig' | 'connection'>,
): Promise<unknown> {
  if (!(e instanceof ApiError) || e.apiKind !== 'no-api') return e;
  const events = e.endpoint.startsWith('/v0/cluster/events');
  if (!events && e.endpoint !== '/v0/cluster_healthz') return e;
  const text = await versionOf(client);
  const version = text === undefined ? undefined : parseVersion(text);
  if (text === undefined || version === undefined) return e;
  const host = client.connection.host;
  const first = events ? FIRST_EVENTS : FIRST_HEALTHZ;
  const common = { endpoint: e.endpoint, status: e.status, serverDate: e.serverDate };
  if (olderThan(version, first)) {
    return events
      ? new ApiError(
          'no-api',
          `${host} runs Feldera ${text}, which predates cluster monitor events (added in ${show(FIRST_EVENTS)}): ${e.endpoint} answered 404`,
          {
            ...common,
            hint: `use \`cluster status\`, which reads /v0/cluster_healthz (Feldera ${show(FIRST_HEALTHZ)} and newer), or upgrade Feldera`,
          },
        )
      : new ApiError(
          'no-api',
          `${host} runs Feldera ${text}, which predates /v0/cluster_healthz (added in ${show(FIRST_HEALTHZ)})`,
          {
            ...common,
            hint: `cluster status needs Feldera ${show(FIRST_HEALTHZ)} or newer; upgrade Feldera`,
          },
        );
  }
  return new ApiError('no-api', e.message, {
    ...common,
    hint: `${host} says it runs Feldera ${text}, which has ${e.endpoint}: a proxy in front of it may not pass that path on`,
  });
}

/** `explainMissingRoute` with a client of its own, for a command whose client is already closed (watch). */
export async function explainWithOwnClient(e: unknown, ctx: Pick<Context, 'client'>): Promise<unknown> {
  if (!(e instanceof ApiError) || e.apiKind !== 'no-api') return e;
  const client = await ctx.client();
  try {
    return await explainMissingRoute(e, client);
  } finally {
    client.close();
  }
}
