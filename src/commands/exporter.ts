/**
 * `cluster exporter`: a long-running HTTP server that serves the cluster health of Feldera
 * instances as Prometheus metrics. Feldera exports no cluster-health metric of its own, and its
 * health endpoint keeps saying "all healthy" when the recorder has died; the exporter says
 * `feldera_cluster_stale 1` then, so the alerting that pages people sees it.
 *
 * - `/metrics`: the exporter's own metrics, and the instance(s) it was started with (the current
 *   connection, or `-p a,b` / `--all-profiles`; none with `--probe-only`).
 * - `/probe?target=NAME|URL`: one instance, the multi-target exporter pattern (Prometheus chooses
 *   what to probe by service discovery). A stored profile, or a URL an `--allow-target` pattern
 *   covers; anything else is 400 and no request (exporter/allow.ts, exporter/probe.ts).
 * - `/sd`: the stored profiles as an `http_sd_configs` list; `/healthz`; `/` an index.
 *
 * Each instance is read (`/v0/cluster_healthz`, the latest event's statuses, `/v0/config` once a
 * day) at most once per `--min-interval` (exporter/cache.ts), within the scrape's budget.
 * prom-client and the server are loaded only here.
 */
import { Command, Option } from 'commander';
import { type Connection, normaliseHost } from '../config/connection.js';
import type { Context } from '../context.js';
import { FLEET_IGNORED_ENV, type FleetChoice, fleetChoice, fleetInputs, fleetNames } from '../domain/fleet.js';
import type { StaleAfterSpec } from '../domain/staleness.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { parseTargetPattern, type TargetPattern } from '../exporter/allow.js';
import { DEFAULT_LISTEN, type ListenAddress, parseListen } from '../exporter/listen.js';
import type { Prober, ProbeTarget } from '../exporter/probe.js';
import type { Reply, Route } from '../exporter/server.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../version.js';
import { type Factory, globalFlags, type Run } from './factory.js';
import { durationOption, examples, staleAfterOption } from './flags.js';

export interface ExporterOptions {
  listen: ListenAddress;
  minIntervalMs: number;
  staleAfter: StaleAfterSpec;
  /** Several profiles instead of the one connection. */
  fleet?: FleetChoice;
  /** `/metrics` serves the exporter's own metrics only; instances are read through `/probe`. */
  probeOnly?: boolean;
  /** URL targets `/probe` may read. */
  allowTargets: TargetPattern[];
  /** `--target-credentials FILE`. */
  targetCredentials?: string;
  /** `--web-config FILE` (TLS, basic auth). */
  webConfig?: string;
  maxConnections?: number;
}

interface ExporterFlags {
  listen: ListenAddress;
  minInterval: number;
  staleAfter: StaleAfterSpec;
  allProfiles?: boolean;
  profiles?: string;
  probeOnly?: boolean;
  allowTarget?: TargetPattern[];
  targetCredentials?: string;
  webConfig?: string;
  maxConnections?: number;
}

export const DEFAULT_MIN_INTERVAL_MS = 10_000;

function collectPattern(text: string, previous: TargetPattern[] = []): TargetPattern[] {
  return [...previous, parseTargetPattern(text)];
}

function parseMaxConnections(text: string): number {
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text.trim()) || n < 4)
    throw usageError(`invalid --max-connections "${text}": expected a whole number, at least 4`);
  return n;
}

export function newCmdExporter(f: Factory, runF: Run<ExporterOptions> = exporterRun): Command {
  return new Command('exporter')
    .description(
      'serve cluster health as Prometheus metrics: /metrics for one instance or several profiles, /probe?target= for any',
    )
    .addOption(
      new Option('--listen <address>', 'HOST:PORT to listen on, or :PORT for every interface')
        .argParser(parseListen)
        .default(parseListen(DEFAULT_LISTEN), DEFAULT_LISTEN),
    )
    .addOption(
      durationOption(
        '--min-interval <duration>',
        'read each instance at most this often, counted from its last answer; scrapes in between get that answer',
        1000,
      ).default(DEFAULT_MIN_INTERVAL_MS, '10s'),
    )
    .addOption(staleAfterOption())
    .option('--all-profiles', 'export every stored profile on /metrics')
    .option('-p, --profiles <names>', 'export these profiles on /metrics (comma-separated)')
    .option('--probe-only', "/metrics has the exporter's own metrics only; instances are read through /probe")
    .addOption(
      new Option(
        '--allow-target <pattern>',
        '/probe may read URLs this covers: a host glob (*.example.com, host:8443, host:*) or a URL prefix (repeatable)',
      ).argParser(collectPattern),
    )
    .option(
      '--target-credentials <file>',
      'credentials for probed URLs that are no profile\'s host: a 0600 JSON file of {"targets": [{"match", "api_key"|"token"|"token_command"}]}',
    )
    .option(
      '--web-config <file>',
      "TLS and basic auth, in the exporter-toolkit's format (tls_server_config: cert_file, key_file; basic_auth_users: bcrypt hashes)",
    )
    .addOption(
      new Option('--max-connections <n>', 'connections at once; past it the oldest idle or half-sent one is closed')
        .argParser(parseMaxConnections)
        .default(512),
    )
    .addHelpText(
      'after',
      examples(
        'cluster exporter',
        'cluster exporter --all-profiles --listen :9464',
        'cluster exporter -p prod,staging --min-interval 30s',
        'curl -s 127.0.0.1:9464/metrics | grep feldera_cluster_healthy',
        "cluster exporter --probe-only --allow-target '*.feldera.example.com' --target-credentials creds.json",
        "curl -s '127.0.0.1:9464/probe?target=prod'",
        'cluster exporter --listen :9464 --web-config web.yml   (TLS and basic auth, as Prometheus exporters read it)',
      ),
    )
    .action(async (flags: ExporterFlags, cmd: Command) => {
      const fleet = fleetChoice(flags);
      if (fleet && flags.probeOnly) throw usageError('give either --probe-only or --all-profiles / -p, not both');
      // Flags that would point every row at one place are refused before anything starts.
      if (fleet || flags.probeOnly) fleetInputs(globalFlags(cmd), {}, '');
      const opts: ExporterOptions = {
        listen: flags.listen,
        minIntervalMs: flags.minInterval,
        staleAfter: flags.staleAfter,
        allowTargets: flags.allowTarget ?? [],
        ...(fleet && { fleet }),
        ...(flags.probeOnly && { probeOnly: true }),
        ...(flags.targetCredentials !== undefined && { targetCredentials: flags.targetCredentials }),
        ...(flags.webConfig !== undefined && { webConfig: flags.webConfig }),
        ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
      };
      await f.run(cmd, runF, opts, { longRunning: true });
    });
}

/** The instances `/metrics` reads: none, the current connection, or the chosen profiles. */
function metricsTargets(opts: ExporterOptions, ctx: Context, prober: Prober): ProbeTarget[] {
  if (opts.probeOnly) return [];
  if (!opts.fleet) {
    // Resolved now, so a bad host or profile fails at start rather than on every scrape.
    const connection: Connection = ctx.connection();
    // The profile label names the profile only when its host is the one read; otherwise (no profile,
    // or --host / FELDERA_HOST pointing elsewhere) it is `default`, as without any profile.
    const name =
      connection.profileName !== undefined && profileHostInUse(connection) ? connection.profileName : 'default';
    return [{ key: 'current connection', name, connect: () => connection }];
  }
  const names = fleetNames(opts.fleet, ctx.config());
  if (names.length === 0)
    throw new CliError('no profiles are stored, so there is nothing to export', {
      hint: 'add one with `cluster login --profile NAME`, or start with --probe-only',
      kind: 'config',
    });
  const ignored = FLEET_IGNORED_ENV.filter((k) => ctx.env[k]);
  if (ignored.length) ctx.verbose(`ignoring ${ignored.join(', ')}: each profile uses its own host and credential`);
  return names.map((name) => prober.profile(name));
}

function profileHostInUse(c: Connection): boolean {
  if (c.sources.host === 'profile') return true;
  try {
    return c.profile !== undefined && normaliseHost(c.profile.host) === c.host;
  } catch {
    return false;
  }
}

/** The stored profiles as an `http_sd_configs` list: one group per profile, its name the target. */
function sdList(ctx: Context): string {
  const profiles = ctx.config().profiles;
  const groups = Object.keys(profiles)
    .sort()
    .map((name) => ({
      targets: [name],
      labels: { __meta_feldera_profile: name, __meta_feldera_host: profiles[name]!.host },
    }));
  return `${JSON.stringify(groups)}\n`;
}

/**
 * What the exporter answers leaves through HTTP, not the run's streams, so it is scrubbed here
 * with the same filter (io/secrets.ts): the credentials of every instance read are known to it
 * by the time an answer is made. In a page, the filter's markers are escaped so they show.
 */
function scrubbed(route: Route, ctx: Context): Route {
  return async (req, url) => {
    const reply = await route(req, url);
    let body = ctx.secrets.scrub(reply.body);
    if (body !== reply.body && /html/i.test(reply.headers?.['content-type'] ?? ''))
      body = body.replace(/<(redacted|token)>/g, '&lt;$1&gt;');
    return { ...reply, body };
  };
}

const INDEX = [
  'Feldera cluster exporter',
  '  /                     (in a browser) a status page of every instance it knows',
  "  /metrics              the exporter's own metrics, and the instances it was started with",
  "  /probe?target=NAME    one stored profile's metrics (or ?target=URL, as --allow-target lets)",
  '  /sd                   the stored profiles as an http_sd_configs list',
  '  /healthz              its own health',
  '',
].join('\n');

export async function exporterRun(opts: ExporterOptions, ctx: Context): Promise<number> {
  // Loaded here: prom-client, node:http and the metrics are the exporter's alone.
  const [prom, metrics, { createProber, budgetOf }, { startExporterServer }, creds, web, { createStatusPage }] =
    await Promise.all([
      import('prom-client'),
      import('../exporter/metrics.js'),
      import('../exporter/probe.js'),
      import('../exporter/server.js'),
      import('../exporter/target-credentials.js'),
      import('../exporter/web-config.js'),
      import('../exporter/page.js'),
    ]);
  const credentials = opts.targetCredentials === undefined ? [] : creds.readTargetCredentials(opts.targetCredentials);
  const webConfig = opts.webConfig === undefined ? {} : await web.readWebConfig(opts.webConfig);
  const own = metrics.createOwnMetrics(prom, { version: VERSION, nodeVersion: process.version });
  const prober = createProber(ctx, {
    minIntervalMs: opts.minIntervalMs,
    staleAfter: opts.staleAfter,
    allow: opts.allowTargets,
    credentials,
    onRead: own.read,
  });
  const targets = metricsTargets(opts, ctx, prober);
  const promText = { 'content-type': own.registry.contentType };
  // A browser at / gets the status page; it refreshes as often as the instances may be read.
  const page = createStatusPage(ctx, {
    prober,
    targets,
    index: INDEX,
    refreshSeconds: Math.max(15, Math.round(opts.minIntervalMs / 1000)),
  });

  const routes: Record<string, Route> = {
    '/metrics': async (req) => {
      const rows = targets.length ? await prober.rows(targets, budgetOf(req)) : [];
      const [mine, theirs] = await Promise.all([own.registry.metrics(), metrics.rowsText(prom, rows)]);
      return { status: 200, headers: promText, body: rows.length ? `${theirs}\n${mine}` : mine };
    },
    '/probe': async (req, url): Promise<Reply> => {
      const given = url.searchParams.getAll('target');
      if (given.length !== 1) {
        own.probe('refused');
        return { status: 400, body: 'give one target: /probe?target=PROFILE or /probe?target=https://…\n' };
      }
      const target = prober.resolve(given[0]!);
      if ('refused' in target) {
        own.probe('refused');
        return { status: 400, body: `refused: ${target.refused}\n` };
      }
      const [row] = await prober.rows([target], budgetOf(req));
      own.probe(row!.row.verdict.verdict === 'unreachable' ? 'down' : 'up');
      return { status: 200, headers: promText, body: await metrics.rowsText(prom, [row!]) };
    },
    '/sd': () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: sdList(ctx) }),
    '/healthz': () => ({ status: 200, body: 'ok\n' }),
    '/': (req) => page.route(req),
  };
  for (const [path, route] of Object.entries(routes)) routes[path] = scrubbed(route, ctx);
  const server = await startExporterServer({
    listen: opts.listen,
    routes,
    onError: (e) => ctx.printer.warn(`a scrape failed: ${e instanceof Error ? e.message : String(e)}`),
    ...(webConfig.tls && { tls: webConfig.tls }),
    ...(webConfig.users && { authorize: web.basicAuth(webConfig.users) }),
    limits: { ...(opts.maxConnections !== undefined && { maxConnections: opts.maxConnections }) },
    onEvict: own.evicted,
  });
  ctx.io.stdout.write(`${server.url}\n`);
  const where = opts.listen.host === undefined ? `every interface, port ${new URL(server.url).port}` : server.url;
  const what = targets.length
    ? `cluster health of ${targets.map((t) => t.name).join(', ')}`
    : 'its own metrics (instances through /probe)';
  const extras = [
    webConfig.tls && 'TLS',
    webConfig.users && `basic auth (${webConfig.users.size} user${webConfig.users.size === 1 ? '' : 's'})`,
    opts.allowTargets.length && `URL targets: ${opts.allowTargets.map((p) => p.text).join(', ')}`,
  ].filter(Boolean);
  ctx.printer.note(
    `Exporting ${what} on ${where}${extras.length ? ` (${extras.join('; ')})` : ''}; each instance is read at most every ${formatDuration(opts.minIntervalMs)}. Press Ctrl-C to stop.`,
  );
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.OK;
}
