/**
 * The explanation a command gives when a route is missing (a 404 without a Feldera body): the
 * server's version from `/v0/config`, when it answers, against what each version has
 * (domain/feldera-versions.ts).
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { PlatformConfig } from '../api/types.js';
import { type ServerEntry, storedServer, storeServer } from '../config/state.js';
import type { Context } from '../context.js';
import {
  FIRST_EVENTS,
  FIRST_HEALTHZ,
  olderThan,
  parseVersion,
  showVersion as show,
  supportOf,
} from '../domain/feldera-versions.js';
import { sanitizeLine } from '../io/sanitize.js';

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

/** How long a remembered server version is believed before it is asked again. */
export const SERVER_MEMORY_MS = 24 * 3_600_000;

type Memory = Pick<Context, 'env' | 'clock' | 'verbose'>;

/** What `host` said it runs, when asked within the last day (state.json). */
export function rememberedServer(ctx: Memory, host: string): ServerEntry | undefined {
  const e = storedServer(ctx.env, host);
  if (!e) return undefined;
  const age = ctx.clock.now() - Date.parse(e.learned_at);
  return age >= 0 && age < SERVER_MEMORY_MS ? e : undefined;
}

/** What `/v0/config` says a server runs, as remembered: its texts made safe to show, and when it was learned. */
export function serverEntryOf(config: PlatformConfig, now: number): ServerEntry {
  return {
    version: sanitizeLine(config.version),
    edition: sanitizeLine(config.edition),
    revision: typeof config.revision === 'string' ? sanitizeLine(config.revision) : null,
    learned_at: new Date(now).toISOString(),
  };
}

/**
 * Remember what `host` says it runs (undefined: forget it, so the next command asks), and return
 * the entry. A failed write is only said under --verbose.
 */
export function rememberServer(ctx: Memory, host: string, config: PlatformConfig | undefined): ServerEntry | undefined {
  const entry: ServerEntry | undefined = config && serverEntryOf(config, ctx.clock.now());
  try {
    storeServer(ctx.env, host, entry);
  } catch (e) {
    ctx.verbose(`could not remember ${host}'s version in state.json: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return entry;
}

/** Whether a remembered version makes `unchanged_since` from the event history (v0.336+); undefined when not a version. */
export function historySinceOf(version: string): boolean | undefined {
  return supportOf(version)?.unchanged_since_from_history;
}
