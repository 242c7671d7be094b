/**
 * `cluster exporter`: a long-running HTTP server that serves the cluster health of one instance,
 * or of several profiles, as Prometheus metrics. Feldera exports no cluster-health metric of its
 * own, and its health endpoint keeps saying "all healthy" when the recorder has died; the exporter
 * says `feldera_cluster_stale 1` then, so the alerting that pages people sees it.
 *
 * Each scrape reads `/v0/cluster_healthz` (and the latest event's statuses) of every instance at
 * once, each over its own connection and within its request timeout — the rows of `status`
 * (queries/fleet-rows.ts) — at most once per `--min-interval` (exporter/cache.ts). prom-client and the
 * server are loaded only here.
 */
import { Command, Option } from 'commander';
import { type Connection, normaliseHost } from '../config/connection.js';
import type { Context } from '../context.js';
import {
  FLEET_CONCURRENCY,
  FLEET_IGNORED_ENV,
  type FleetChoice,
  fleetChoice,
  fleetInputs,
  fleetNames,
  mapLimit,
} from '../domain/fleet.js';
import type { StaleAfterSpec } from '../domain/staleness.js';
import { CliError, EXIT } from '../errors.js';
import { DEFAULT_LISTEN, type ListenAddress, parseListen } from '../exporter/listen.js';
import type { ExportedRow } from '../exporter/metrics.js';
import { checkProfile, checkRow } from '../queries/fleet-rows.js';
import { fleetNote } from '../render/status.js';
import { formatDuration } from '../util/duration.js';
import { type Factory, globalFlags, type Run } from './factory.js';
import { durationOption, examples, staleAfterOption } from './flags.js';

export interface ExporterOptions {
  listen: ListenAddress;
  minIntervalMs: number;
  staleAfter: StaleAfterSpec;
  /** Several profiles instead of the one connection. */
  fleet?: FleetChoice;
}

interface ExporterFlags {
  listen: ListenAddress;
  minInterval: number;
  staleAfter: StaleAfterSpec;
  allProfiles?: boolean;
  profiles?: string;
}

export const DEFAULT_MIN_INTERVAL_MS = 10_000;

export function newCmdExporter(f: Factory, runF: Run<ExporterOptions> = exporterRun): Command {
  return new Command('exporter')
    .description('serve cluster health as Prometheus metrics (/metrics), for one instance or several profiles')
    .addOption(
      new Option('--listen <address>', 'HOST:PORT to listen on, or :PORT for every interface')
        .argParser(parseListen)
        .default(parseListen(DEFAULT_LISTEN), DEFAULT_LISTEN),
    )
    .addOption(
      durationOption(
        '--min-interval <duration>',
        'read Feldera at most this often; scrapes in between get the last answer',
        1000,
      ).default(DEFAULT_MIN_INTERVAL_MS, '10s'),
    )
    .addOption(staleAfterOption())
    .option('--all-profiles', 'export every stored profile')
    .option('-p, --profiles <names>', 'export these profiles (comma-separated)')
    .addHelpText(
      'after',
      examples(
        'cluster exporter',
        'cluster exporter --all-profiles --listen :9464',
        'cluster exporter -p prod,staging --min-interval 30s',
        'curl -s 127.0.0.1:9464/metrics | grep feldera_cluster_healthy',
      ),
    )
    .action(async (flags: ExporterFlags, cmd: Command) => {
      const fleet = fleetChoice(flags);
      // Flags that would point every row at one place are refused before anything starts.
      if (fleet) fleetInputs(globalFlags(cmd), {}, '');
      const opts: ExporterOptions = {
        listen: flags.listen,
        minIntervalMs: flags.minInterval,
        staleAfter: flags.staleAfter,
        ...(fleet && { fleet }),
      };
      await f.run(cmd, runF, opts, { longRunning: true });
    });
}

/** One instance to read: its row label and how its connection is resolved. */
interface Target {
  name: string;
  read(ctx: Context, staleAfter: StaleAfterSpec): ReturnType<typeof checkRow>;
}

function targetsOf(opts: ExporterOptions, ctx: Context): Target[] {
  // One attempt per read: the next scrape is the retry, and a scrape must not outlast Prometheus's scrape_timeout.
  const reads = { statuses: true, retries: 0 };
  if (!opts.fleet) {
    // Resolved now, so a bad host or profile fails at start rather than on every scrape.
    const connection: Connection = ctx.connection();
    // The profile label names the profile only when its host is the one read; otherwise (no profile,
    // or --host / FELDERA_HOST pointing elsewhere) it is `default`, as without any profile.
    const name =
      connection.profileName !== undefined && profileHostInUse(connection) ? connection.profileName : 'default';
    return [{ name, read: (c, ms) => checkRow(c, name, () => connection, ms, reads) }];
  }
  const names = fleetNames(opts.fleet, ctx.config());
  if (names.length === 0)
    throw new CliError('no profiles are stored, so there is nothing to export', {
      hint: 'add one with `cluster login --profile NAME`',
      kind: 'config',
    });
  const ignored = FLEET_IGNORED_ENV.filter((k) => ctx.env[k]);
  if (ignored.length) ctx.verbose(`ignoring ${ignored.join(', ')}: each profile uses its own host and credential`);
  return names.map((name) => ({ name, read: (c, ms) => checkProfile(c, name, ms, reads) }));
}

function profileHostInUse(c: Connection): boolean {
  if (c.sources.host === 'profile') return true;
  try {
    return c.profile !== undefined && normaliseHost(c.profile.host) === c.host;
  } catch {
    return false;
  }
}

/** Every target at once (bounded as for `status`), each row timed. */
function readAll(ctx: Context, targets: readonly Target[], staleAfter: StaleAfterSpec): Promise<ExportedRow[]> {
  return mapLimit(targets, FLEET_CONCURRENCY, async (t) => {
    const started = ctx.clock.now();
    const row = await t.read(ctx, staleAfter);
    return { row, durationMs: ctx.clock.now() - started };
  });
}

/** A log line on stderr whenever a row's state (verdict, or the error) changes — not on every read. */
function changeLogger(ctx: Context): (rows: readonly ExportedRow[]) => void {
  const last = new Map<string, string>();
  return (rows) => {
    for (const { row } of rows) {
      const note = fleetNote(row);
      const state = `${row.verdict.verdict}${note ? `: ${note}` : ''}`;
      // A stale row's note carries its age, which moves on every read: the state is the verdict then.
      const key = row.verdict.verdict === 'stale' ? 'stale' : state;
      if (last.get(row.profile) === key) continue;
      last.set(row.profile, key);
      const line = `${new Date(ctx.clock.now()).toISOString()} ${row.profile}: ${state}`;
      if (row.verdict.verdict === 'unreachable') ctx.printer.warn(line);
      else ctx.printer.note(line);
    }
  };
}

export async function exporterRun(opts: ExporterOptions, ctx: Context): Promise<number> {
  const targets = targetsOf(opts, ctx);
  const staleAfter = opts.staleAfter;
  // Loaded here: prom-client, node:http and the metrics are the exporter's alone.
  const [prom, { createMetrics }, { createReadCache }, { startExporterServer }] = await Promise.all([
    import('prom-client'),
    import('../exporter/metrics.js'),
    import('../exporter/cache.js'),
    import('../exporter/server.js'),
  ]);
  const metrics = createMetrics(prom);
  const cache = createReadCache(() => readAll(ctx, targets, staleAfter), opts.minIntervalMs, ctx.clock);
  const logChanges = changeLogger(ctx);
  let logged = 0;
  const scrape = async () => {
    const read = await cache.get();
    if (read.generation !== logged) {
      logged = read.generation;
      logChanges(read.value);
    }
    metrics.update(read.value, ctx.clock.now() - read.startedAt - read.durationMs);
    return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
  };
  const server = await startExporterServer(opts.listen, scrape, (e) =>
    ctx.printer.warn(`a scrape failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  ctx.io.stdout.write(`${server.url}\n`);
  const where = opts.listen.host === undefined ? `every interface, port ${new URL(server.url).port}` : server.url;
  ctx.printer.note(
    `Exporting cluster health of ${targets.map((t) => t.name).join(', ')} on ${where}; Feldera is read at most every ${formatDuration(opts.minIntervalMs)}. Press Ctrl-C to stop.`,
  );
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.OK;
}
