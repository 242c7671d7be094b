/**
 * What the exporter reads, and how: which instance a target names (a stored profile, or a URL an
 * `--allow-target` pattern covers, with the credential of the profile whose host it is or of the
 * first `--target-credentials` entry that matches), one cached read per instance
 * (cache.ts), each within the scrape's budget, and a log line whenever an instance's verdict changes.
 *
 * The budget: Prometheus says how long it will wait (`X-Prometheus-Scrape-Timeout-Seconds`); a
 * read is given 90% of that less the 0.6 s a row may take past its timeout, and never more than
 * `--request-timeout`. A hung instance so costs one scrape's timeout, answers
 * `feldera_cluster_up 0` in time, and — every instance being read on its own — never holds up
 * another. A probe that arrives while a read of its instance is in flight waits for it within its
 * own budget only.
 */
import type { IncomingMessage } from 'node:http';
import { type Connection, normaliseHost, resolveConnection } from '../config/connection.js';
import type { ServerEntry } from '../config/state.js';
import type { Context } from '../context.js';
import { type FleetRow, fleetInputs } from '../domain/fleet.js';
import type { StaleAfterSpec } from '../domain/staleness.js';
import { unreachable } from '../domain/verdict.js';
import type { ServerMemory } from '../queries/cluster-health.js';
import { rememberedServer, rememberServer, SERVER_MEMORY_MS, serverEntryOf } from '../queries/feldera-version.js';
import { checkRow } from '../queries/fleet-rows.js';
import { fleetNote } from '../render/status.js';
import { formatDuration } from '../util/duration.js';
import { firstMatch, parseTargetUrl, type TargetPattern } from './allow.js';
import { createReadCache } from './cache.js';
import type { ExportedRow } from './metrics.js';
import type { TargetCredential } from './target-credentials.js';

/** An instance to read: the cache's key, the `profile` label, and how its connection is resolved. */
export interface ProbeTarget {
  key: string;
  name: string;
  connect(): Connection;
}

export interface ProberOptions {
  minIntervalMs: number;
  staleAfter: StaleAfterSpec;
  allow: readonly TargetPattern[];
  credentials: readonly TargetCredential[];
  /** Told each read that starts. */
  onRead?: () => void;
}

export interface Prober {
  /** The instance `target` names, or why it is refused (400, nothing read). */
  resolve(target: string): ProbeTarget | { refused: string };
  /** A stored profile as a target. */
  profile(name: string): ProbeTarget;
  /**
   * Each target's row (from the cache, or read now), all at once, each within `budgetMs` (and its
   * own request timeout; undefined: that alone).
   */
  rows(targets: readonly ProbeTarget[], budgetMs: number | undefined): Promise<ExportedRow[]>;
  /** How many instances the cache remembers. */
  cached(): number;
}

/** How much past its request timeout a row may take before its backstop answers (queries/fleet-rows.ts). */
const ROW_BACKSTOP_MS = 500;
/** How much past that a probe waits for a read another probe started. */
const SHARED_WAIT_MS = ROW_BACKSTOP_MS + 50;

/**
 * The read budget of a request: Prometheus's scrape timeout less the margin; undefined when it
 * does not say (each read then has its request timeout, --request-timeout, alone).
 */
export function budgetOf(req: Pick<IncomingMessage, 'headers'>): number | undefined {
  const header = req.headers['x-prometheus-scrape-timeout-seconds'];
  const seconds = typeof header === 'string' ? Number(header) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.max(100, Math.floor(seconds * 900) - SHARED_WAIT_MS - 50);
}

/**
 * What hosts said they run, in memory for a day in front of state.json: a scrape never reads the
 * file, and only the hosts of stored profiles are written to it (a probed URL fleet of a thousand
 * would rewrite it a thousand times a day).
 */
export function exporterServerMemory(
  ctx: Pick<Context, 'verbose' | 'clock' | 'env'>,
  persisted: (host: string) => boolean,
): ServerMemory {
  const known = new Map<string, ServerEntry | undefined>();
  const fresh = (e: ServerEntry) => {
    const age = ctx.clock.now() - Date.parse(e.learned_at);
    return age >= 0 && age < SERVER_MEMORY_MS;
  };
  return {
    get(host) {
      if (!known.has(host)) known.set(host, persisted(host) ? rememberedServer(ctx, host) : undefined);
      const e = known.get(host);
      return e && fresh(e) ? e : undefined;
    },
    set(host, config) {
      const entry = persisted(host)
        ? rememberServer(ctx, host, config)
        : config && serverEntryOf(config, ctx.clock.now());
      known.set(host, entry);
      return entry;
    },
  };
}

/** Logs a line whenever an instance's state (its verdict, or why it failed) changes — not on every read. */
function changeLogger(ctx: Context): (row: FleetRow, key: string) => void {
  const last = new Map<string, string>();
  return (row, key) => {
    const note = fleetNote(row);
    const state = `${row.verdict.verdict}${note ? `: ${note}` : ''}`;
    // A stale row's note carries its age, which moves on every read: the state is the verdict then.
    const seen = row.verdict.verdict === 'stale' ? 'stale' : state;
    if (last.get(key) === seen) return;
    if (last.size >= 10_000 && !last.has(key)) last.delete(last.keys().next().value as string);
    last.set(key, seen);
    const line = `${new Date(ctx.clock.now()).toISOString()} ${row.profile || row.host}: ${state}`;
    if (row.verdict.verdict === 'unreachable') ctx.printer.warn(line);
    else ctx.printer.note(line);
  };
}

export function createProber(ctx: Context, o: ProberOptions): Prober {
  const config = ctx.config();
  const profileHosts = new Map<string, string>();
  for (const [name, p] of Object.entries(config.profiles)) {
    try {
      const host = normaliseHost(p.host);
      if (!profileHosts.has(host)) profileHosts.set(host, name);
    } catch {
      // a profile with a broken host is refused when it is read
    }
  }
  const memory = exporterServerMemory(ctx, (host) => profileHosts.has(host));
  const cache = createReadCache<{ row: FleetRow; durationMs: number }>(o.minIntervalMs, ctx.clock);
  const log = changeLogger(ctx);

  const profile = (name: string): ProbeTarget => ({
    key: `profile ${name}`,
    name,
    connect: () => {
      const { flags, env } = fleetInputs(ctx.flags, ctx.env, name);
      return resolveConnection(flags, env, config);
    },
  });

  const urlTarget = (host: string, url: URL): ProbeTarget => {
    const owner = profileHosts.get(host);
    if (owner !== undefined) return { ...profile(owner), key: `url ${host}` };
    const entry = firstMatch(o.credentials, url);
    return {
      key: `url ${host}`,
      name: '',
      connect: () => {
        const flags = {
          host,
          requestTimeout: ctx.flags.requestTimeout,
          ...(entry?.tenant !== undefined && { tenant: entry.tenant }),
          ...(entry?.caCert !== undefined && { caCert: entry.caCert }),
        };
        // No environment and no profiles: nothing but the entry's credential can reach this host.
        const env = ctx.env.FELDERA_REQUEST_TIMEOUT ? { FELDERA_REQUEST_TIMEOUT: ctx.env.FELDERA_REQUEST_TIMEOUT } : {};
        const c = resolveConnection(flags, env, { profiles: {} });
        return entry ? { ...c, credential: entry.credential, sources: { ...c.sources, credential: 'flag' } } : c;
      },
    };
  };

  const read = async (t: ProbeTarget, budgetMs: number | undefined) => {
    o.onRead?.();
    const started = ctx.clock.now();
    const reads = { statuses: true, retries: 0, memory, ...(budgetMs !== undefined && { timeoutMs: budgetMs }) };
    const row = await checkRow(ctx, t.name, t.connect, o.staleAfter, reads);
    log(row, t.key);
    return { row, durationMs: ctx.clock.now() - started };
  };

  /** The row, or — when a read this probe did not start outlasts its budget — unreachable, timed out. */
  const rowOf = async (t: ProbeTarget, budgetMs: number | undefined): Promise<ExportedRow> => {
    const stop = new AbortController();
    const late =
      budgetMs === undefined
        ? new Promise<undefined>(() => {})
        : ctx.clock.sleep(budgetMs + SHARED_WAIT_MS, stop.signal).then(
            () => undefined,
            () => undefined,
          );
    try {
      const got = await Promise.race([cache.get(t.key, () => read(t, budgetMs)), late]);
      if (got) return { ...got.value, sinceReadMs: Math.max(0, ctx.clock.now() - got.answeredAt) };
      let host = '?';
      try {
        host = t.connect().host;
      } catch {
        // the read in flight says why
      }
      const budget = budgetMs ?? 0;
      const message = `no answer from ${host} within the scrape's budget (${formatDuration(budget)}); a read is still in flight`;
      return {
        row: { profile: t.name, host, verdict: unreachable({ kind: 'timeout', message }) },
        durationMs: budget,
        sinceReadMs: 0,
      };
    } finally {
      stop.abort();
    }
  };

  return {
    resolve(target) {
      if (Object.hasOwn(config.profiles, target)) return profile(target);
      if (!target.includes('://')) return { refused: 'the target is neither a stored profile nor a URL (https://…)' };
      const parsed = parseTargetUrl(target);
      if ('refused' in parsed) return parsed;
      if (!firstMatch(o.allow, parsed.url))
        return {
          refused:
            o.allow.length === 0
              ? 'URL targets are not allowed: start the exporter with --allow-target PATTERN'
              : 'no --allow-target pattern covers this URL',
        };
      return urlTarget(parsed.host, parsed.url);
    },
    profile,
    rows: (targets, budgetMs) => Promise.all(targets.map((t) => rowOf(t, budgetMs))),
    cached: () => cache.size(),
  };
}
