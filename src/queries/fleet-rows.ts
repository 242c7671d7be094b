/**
 * Checking many profiles at once (`status --all-profiles`, `-p a,b`): each row over its own
 * connection from its own profile only (domain/fleet.ts says which flags and variables apply),
 * every row at once, each bounded by the request timeout, rows in input order. Every row starts
 * with the read, so every instance is answered within one request timeout of the start whatever
 * the others do: a pool that waits for a hung instance before starting the next would make a
 * fleet of hung instances cost ⌈n / pool⌉ timeouts, and lose the healthy rows behind them.
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { type Connection, resolveConnection } from '../config/connection.js';
import type { Context } from '../context.js';
import { type FleetRow, fleetInputs } from '../domain/fleet.js';
import { DEADLINE_KIND } from '../domain/nagios.js';
import type { StaleAfterSpec } from '../domain/staleness.js';
import { judge, nothingRecorded, unreachable } from '../domain/verdict.js';
import { CliError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { fetchHealth, type HealthReads } from './cluster-health.js';
import { resolveStaleLimit } from './stale-limit.js';

/** Resolve with `work`, or with `onTimeout()` after `ms` — whichever comes first. */
async function within<T>(ctx: Context, ms: number, work: Promise<T>, onTimeout: () => T): Promise<T> {
  const stop = new AbortController();
  const timer = ctx.clock.sleep(ms, stop.signal).then(
    () => onTimeout(),
    () => undefined as never,
  );
  try {
    return await Promise.race([work, timer]);
  } finally {
    stop.abort();
  }
}

function failedRow(ctx: Context, name: string, host: string, e: unknown): FleetRow {
  let kind = 'error';
  if (e instanceof ApiError) kind = e.apiKind;
  else if (e instanceof CliError) kind = e.kind;
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof CliError)) ctx.verbose(`[${name}] unexpected failure: ${message}`);
  // Before the monitor's first event the instance is starting, not out of reach.
  const verdict = kind === 'no-events' ? nothingRecorded(message) : unreachable({ kind, message });
  return { profile: name, host, verdict };
}

/** How a row reads: the statuses too (default, see fetchHealth); `retries` overrides the connection's. */
export interface RowReads extends HealthReads {
  retries?: number;
  /**
   * A deadline for the whole row, retries and token command included (`cluster check -t`): each
   * request's timeout and the retries' budget fit inside it, and when it runs out the row is
   * `unreachable` with the kind `deadline`. Default: the request timeout, plus a little.
   */
  deadlineMs?: number;
  /**
   * At most this request timeout, whatever the connection says (the exporter's per-scrape budget,
   * from Prometheus's scrape timeout). A hung instance then answers `unreachable`, timed out, as usual.
   */
  timeoutMs?: number;
}

/**
 * One row: the verdict of the instance `connect` resolves, bounded by its request timeout, as a
 * row (never thrown). `name` labels the row and its --verbose lines.
 */
export async function checkRow(
  ctx: Context,
  name: string,
  connect: () => Connection,
  staleAfter: StaleAfterSpec,
  reads: RowReads = {},
): Promise<FleetRow> {
  let host = ctx.config().profiles[name]?.host ?? '?';
  let client: ClusterClient | undefined;
  try {
    const resolved = connect();
    const cap = Math.min(reads.deadlineMs ?? Infinity, reads.timeoutMs ?? Infinity);
    const connection = {
      ...resolved,
      ...(reads.retries !== undefined && { retries: reads.retries }),
      ...(cap < resolved.timeoutMs && { timeoutMs: Math.max(1, Math.floor(cap)) }),
    };
    host = connection.host;
    const trace = ctx.flags.verbose ? (l: string) => ctx.verbose(`[${name}] ${l}`) : undefined;
    client = await ctx.client({ connection, retryBudgetMs: reads.deadlineMs ?? connection.timeoutMs, trace });
    const c = client;
    const verbose = (l: string) => ctx.verbose(`[${name}] ${l}`);
    // The row's own limit: its profile's stored period, else the default (never a history read here).
    const limit = resolveStaleLimit({ ...ctx, verbose }, staleAfter, { connection });
    const row = (async (): Promise<FleetRow> => {
      const a = await fetchHealth(c, { verbose, clock: ctx.clock, env: ctx.env, printer: ctx.printer }, reads);
      return {
        profile: name,
        host,
        verdict: judge(a.check, { now: a.now, staleAfterMs: limit.ms, clockSkewMs: a.clockSkewMs }),
        health: a.health,
        body: a.body,
        legacy: a.legacy,
        now: a.now,
        limit,
        ...(a.server && {
          server: { version: a.server.version, edition: a.server.edition, revision: a.server.revision },
        }),
      };
    })();
    // A backstop over the whole row: the deadline, else the timeout plus a little.
    const timedOut =
      reads.deadlineMs === undefined
        ? new ApiError(
            'timeout',
            `no answer from ${host} within the request timeout (${formatDuration(connection.timeoutMs)})`,
            { endpoint: '/v0/cluster_healthz', transient: true },
          )
        : new CliError(`timed out after ${formatDuration(reads.deadlineMs)} (no answer from ${host})`, {
            kind: DEADLINE_KIND,
          });
    return await within<FleetRow>(
      ctx,
      reads.deadlineMs ?? connection.timeoutMs + 500,
      row.catch((e: unknown) => failedRow(ctx, name, host, e)),
      () => failedRow(ctx, name, host, timedOut),
    );
  } catch (e) {
    return failedRow(ctx, name, host, e);
  } finally {
    client?.close();
  }
}

/** A stored profile's row, over its own connection only (domain/fleet.ts). */
export function checkProfile(
  ctx: Context,
  name: string,
  staleAfter: StaleAfterSpec,
  reads: RowReads = {},
): Promise<FleetRow> {
  const { flags, env } = fleetInputs(ctx.flags, ctx.env, name);
  return checkRow(ctx, name, () => resolveConnection(flags, env, ctx.config()), staleAfter, reads);
}

/** Every profile's row, all at once (see the module comment), in the order named. */
export function checkProfiles(
  ctx: Context,
  names: readonly string[],
  staleAfter: StaleAfterSpec,
  reads: RowReads = {},
): Promise<FleetRow[]> {
  return Promise.all(names.map((name) => checkProfile(ctx, name, staleAfter, reads)));
}
