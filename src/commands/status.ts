/**
 * `cluster status`: is it healthy now? Exit 0 healthy, 2 not, 3 stale (all healthy but the
 * latest check is older than --stale-after by the server's clock), 1 could not tell.
 *
 * One instance: `GET /v0/cluster_healthz` (200 and 503 both carry the answer); on an older
 * server that answers 404 there, the same `HealthStatus` is computed from
 * `GET /v0/cluster/events/latest?selector=all` and the event list (src/history/health.ts).
 *
 * The fleet (`--all-profiles`, `-p a,b,c`): every chosen profile at once (at most 8 in flight),
 * each over its own connection from its own profile only (see src/history/fleet.ts for which
 * flags and variables apply), each bounded by the request timeout, one row per profile.
 */
import type { ClusterClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { HealthStatus } from '../api/types.js';
import { resolveConnection } from '../config/connection.js';
import type { Context } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { note, warn } from './shared/history.js';
import { parseStaleAfter } from '../domain/verdict.js';
import { FLEET_CONCURRENCY, FLEET_IGNORED_ENV, fleetExit, fleetInputs, fleetProfiles, mapLimit } from '../domain/fleet.js';
import { computeHealthStatus, healthVerdict } from '../domain/health.js';
import type { FleetRow } from '../render/status.js';
import { formatDuration } from '../util/duration.js';

export interface StatusOptions {
  json?: boolean;
  staleAfter?: string;
  allProfiles?: boolean;
  profiles?: string;
  utc?: boolean;
}

export interface HealthAnswer {
  health: HealthStatus;
  /** The server's now (Date header), or the local clock's. */
  now: number;
  /** Computed from the events because the server has no /v0/cluster_healthz. */
  computed: boolean;
}

/** The server's HealthStatus, or the same computed from the events on a server without the route. */
export async function fetchHealth(client: Pick<ClusterClient, 'clusterHealth' | 'getEvent' | 'listEvents' | 'connection'>, localNow: () => number, verbose: (line: string) => void): Promise<HealthAnswer> {
  try {
    const a = await client.clusterHealth();
    if (a.serverDate === undefined) verbose('the server sent no usable Date header: judging the age by the local clock');
    return { health: a.data, now: a.serverDate ?? localNow(), computed: false };
  } catch (e) {
    if (!(e instanceof ApiError) || e.apiKind !== 'no-api') throw e;
  }
  verbose(
    `${client.connection.host} answered 404 for /v0/cluster_healthz (an older server): computing the same answer from /v0/cluster/events/latest?selector=all and /v0/cluster/events`,
  );
  const [latest, list] = await Promise.all([client.getEvent('latest', 'all'), client.listEvents()]);
  const serverDate = latest.serverDate ?? list.serverDate;
  if (serverDate === undefined) verbose('the server sent no usable Date header: judging the age by the local clock');
  return { health: computeHealthStatus(latest.data, list.data), now: serverDate ?? localNow(), computed: true };
}

export async function run(opts: StatusOptions & Record<string, unknown>, ctx: Context, _args: string[] = []): Promise<number> {
  const staleAfterMs = parseStaleAfter(opts.staleAfter);
  if (opts.allProfiles || opts.profiles !== undefined) return runFleet(opts, ctx, staleAfterMs);
  const { io } = ctx;

  const client = await ctx.client();
  let answer: HealthAnswer;
  try {
    answer = await fetchHealth(client, () => ctx.clock.now(), (l) => ctx.verbose(l));
  } finally {
    client.close();
  }
  const { health, now, computed } = answer;
  const v = healthVerdict(health, now, staleAfterMs);
  if (opts.json) {
    const { writeJson } = await import('../render/json.js');
    writeJson(io, health);
    if (v.verdict === 'stale') {
      warn(ctx, `the latest check is ${formatDuration(v.ageMs)} old (more than --stale-after ${formatDuration(staleAfterMs)}): stale — health unknown`);
    }
    return v.exitCode;
  }
  const view = { utc: Boolean(opts.utc), now, columns: io.columns, staleAfterMs, computed };
  if (io.stdoutIsTTY) {
    const [{ default: Table }, { palette }, { renderStatusTerminal }] = await Promise.all([
      import('cli-table3'),
      import('../render/style.js'),
      import('../render/status.js'),
    ]);
    io.stdout.write(renderStatusTerminal(health, v, view, { Table, color: palette(io.color) }));
  } else {
    const { renderStatusPlain } = await import('../render/status.js');
    io.stdout.write(renderStatusPlain(health, v, view));
  }
  return v.exitCode;
}

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

async function checkProfile(ctx: Context, name: string, staleAfterMs: number): Promise<FleetRow> {
  const config = ctx.config();
  const { flags, env } = fleetInputs(ctx.flags, ctx.env, name);
  const host = config.profiles[name]?.host ?? '?';
  const failed = (e: unknown, h = host): FleetRow => {
    const kind = e instanceof ApiError ? e.apiKind : e instanceof CliError ? e.kind : 'error';
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof CliError)) ctx.verbose(`[${name}] unexpected failure: ${message}`);
    return { profile: name, host: h, exitCode: EXIT.FAILURE, error: { kind, message } };
  };
  let client: ClusterClient | undefined;
  try {
    const connection = resolveConnection(flags, env, config);
    const trace = ctx.flags.verbose ? (l: string) => ctx.verbose(`[${name}] ${l}`) : undefined;
    client = await ctx.client({ connection, retryBudgetMs: connection.timeoutMs, trace });
    const c = client;
    // A backstop over the whole row (the fallback makes more than one request): the timeout plus a little.
    const deadline = connection.timeoutMs + 500;
    return await within<FleetRow>(
      ctx,
      deadline,
      (async (): Promise<FleetRow> => {
        try {
          const a = await fetchHealth(c, () => ctx.clock.now(), (l) => ctx.verbose(`[${name}] ${l}`));
          const v = healthVerdict(a.health, a.now, staleAfterMs);
          return { profile: name, host: connection.host, exitCode: v.exitCode, health: a.health, verdict: v, computed: a.computed, now: a.now };
        } catch (e) {
          return failed(e, connection.host);
        }
      })(),
      () =>
        failed(
          new ApiError('timeout', `no answer from ${connection.host} within the request timeout (${formatDuration(connection.timeoutMs)})`, { endpoint: '/v0/cluster_healthz', transient: true }),
          connection.host,
        ),
    );
  } catch (e) {
    return failed(e);
  } finally {
    client?.close();
  }
}

async function runFleet(opts: StatusOptions, ctx: Context, staleAfterMs: number): Promise<number> {
  const { io } = ctx;
  const config = ctx.config();
  const names = fleetProfiles(opts, config);
  if (names.length === 0) {
    throw new CliError('no profiles are stored, so there is no fleet to check', { hint: 'add one with `cluster login --profile NAME`', kind: 'config' });
  }
  // Refused flags are usage errors before any request (fleetInputs throws them).
  fleetInputs(ctx.flags, ctx.env, names[0]!);
  const ignored = FLEET_IGNORED_ENV.filter((k) => ctx.env[k]);
  if (ignored.length) ctx.verbose(`ignoring ${ignored.join(', ')} for the fleet: each row uses its own profile's host and credential`);

  const rows = await mapLimit(names, FLEET_CONCURRENCY, (name) => checkProfile(ctx, name, staleAfterMs));
  const code = fleetExit(rows.map((r) => r.exitCode));

  if (opts.json) {
    const { writeJson } = await import('../render/json.js');
    const { fleetVerdictWord } = await import('../render/status.js');
    const out: Record<string, unknown> = {};
    for (const r of rows) {
      Object.defineProperty(out, r.profile, {
        enumerable: true,
        writable: true,
        configurable: true,
        value: {
          host: r.host,
          verdict: fleetVerdictWord(r),
          exit_code: r.exitCode,
          computed: r.computed ?? false,
          health: r.health ?? null,
          error: r.error ?? null,
        },
      });
    }
    writeJson(io, out);
    return code;
  }
  if (io.stdoutIsTTY) {
    const [{ default: Table }, { palette }, { renderFleetTerminal }] = await Promise.all([
      import('cli-table3'),
      import('../render/style.js'),
      import('../render/status.js'),
    ]);
    io.stdout.write(renderFleetTerminal(rows, { Table, color: palette(io.color), columns: io.columns, staleAfterMs }));
  } else {
    const { renderFleetPlain } = await import('../render/status.js');
    io.stdout.write(renderFleetPlain(rows));
  }
  const bad = rows.filter((r) => r.exitCode !== EXIT.OK).length;
  if (bad && io.stderrIsTTY) note(ctx, `${bad} of ${rows.length} not healthy`);
  return code;
}
