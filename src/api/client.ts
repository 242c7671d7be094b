/**
 * The Feldera cluster-monitor client: one object per command run, built on ofetch with our own
 * node:http transport. It adds credentials, retries transient failures within a time budget,
 * checks every body's shape, and reports the server's `Date` with each answer (staleness is
 * judged against the server's clock, not ours). It never prints; `trace` receives --verbose lines.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '../config/connection.js';
import { isLoopback } from '../config/connection.js';
import { CliError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { ApiError, httpFailure, invalidResponse, transportFailure } from './errors.js';
import { loadCreateFetch } from './ofetch.js';
import { MiniHeaders, TransportError, createNodeFetch, type MiniResponse, type NodeFetch } from './transport.js';
import type { AuthConfig, ClusterEvent, HealthStatus, PlatformConfig, Selector, SessionInfo } from './types.js';
import { ShapeError, asErrorBody, checkEvent, checkEventList, checkHealth, checkObject } from './validate.js';

export interface Answer<T> {
  data: T;
  /** HTTP status of the answer (200, or 503 for an unhealthy /v0/cluster_healthz). */
  status: number;
  /** The server's `Date` header in ms since the epoch, when it sent a valid one. */
  serverDate: number | undefined;
  /** Bytes received for this request (status line, headers, body), retries included. */
  bytes: number;
}

export interface ClientOptions {
  clock?: Clock;
  /** Keep one connection open (watch loops). */
  keepAlive?: boolean;
  /** Receives one line per request and retry for --verbose; never sees credentials. */
  trace?: (line: string) => void;
  /** Runs a token command; injectable for tests. Default: /bin/sh -c. */
  runTokenCommand?: (command: string) => Promise<string>;
  /** Total time budget for one request including retries (ms). Default: max(30 s, 3 × timeout). */
  retryBudgetMs?: number;
}

export interface ClusterClient {
  readonly connection: Connection;
  getEvent(id: string, selector?: Selector): Promise<Answer<ClusterEvent>>;
  listEvents(): Promise<Answer<ClusterEvent[]>>;
  clusterHealth(): Promise<Answer<HealthStatus>>;
  platformConfig(): Promise<Answer<PlatformConfig>>;
  session(): Promise<Answer<SessionInfo>>;
  authConfig(): Promise<Answer<AuthConfig>>;
  /** Re-run the token command on the next request (tokens expire). False when there is none. */
  refreshCredential(): boolean;
  stats(): { requests: number; bytesReceived: number };
  close(): void;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

/** `Retry-After` as seconds or an HTTP date, in ms from now (per the server's clock when known). */
export function parseRetryAfter(value: string | null, serverNow: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - serverNow);
}

export async function defaultRunTokenCommand(command: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const first = String(stderr).trim().split('\n')[0] ?? '';
        const code = (err as { code?: unknown }).code;
        reject(
          new CliError(`the token command failed${typeof code === 'number' ? ` (exit ${code})` : ''}${first ? `: ${first.slice(0, 200)}` : ''}`, {
            hint: 'check FELDERA_AUTH_TOKEN_COMMAND or the profile\'s --token-command',
            kind: 'token-command',
          }),
        );
        return;
      }
      const token = String(stdout).trim();
      if (!token) reject(new CliError('the token command printed nothing', { kind: 'token-command' }));
      else resolve(token);
    });
  });
}

function endpointOf(path: string): string {
  return path.split('?')[0]!;
}

export async function createClient(conn: Connection, opts: ClientOptions = {}): Promise<ClusterClient> {
  const clock = opts.clock ?? systemClock;
  const trace = opts.trace;
  const runTokenCommand = opts.runTokenCommand ?? defaultRunTokenCommand;
  const budget = opts.retryBudgetMs ?? Math.max(30_000, conn.timeoutMs * 3);
  const url = new URL(conn.baseUrl);

  if (conn.credential.kind !== 'none' && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new CliError(`refusing to send a bearer credential in clear text to ${conn.host}`, {
      hint: 'use https:// for this host (credentials go over plain http only to a loopback address)',
      kind: 'insecure-credential',
    });
  }

  let ca: string | undefined;
  if (conn.caCert) {
    try {
      ca = readFileSync(conn.caCert, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the CA certificate ${conn.caCert}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        hint: 'give a readable PEM file with --ca-cert or FELDERA_HTTPS_TLS_CERT',
        kind: 'config',
      });
    }
  }

  const transport: NodeFetch = await createNodeFetch({ insecure: conn.insecure, ca, keepAlive: opts.keepAlive });
  const createFetch = await loadCreateFetch();
  const $fetch = createFetch({
    fetch: transport as unknown as typeof fetch,
    Headers: MiniHeaders as unknown as typeof Headers,
    AbortController: globalThis.AbortController,
  });

  let token: string | undefined;
  let tokenStale = true;
  async function authHeader(): Promise<string | undefined> {
    const c = conn.credential;
    if (c.kind === 'none') return undefined;
    if (c.kind === 'apikey' || c.kind === 'token') return `Bearer ${c.token}`;
    if (tokenStale || token === undefined) {
      token = await runTokenCommand(c.command);
      tokenStale = false;
    }
    return `Bearer ${token}`;
  }

  /** One GET with retries; returns the raw answer (any status) for the caller to interpret. */
  async function get(path: string, okStatuses: number[] = [200]): Promise<{ res: MiniResponse; text: string; bytes: number }> {
    const endpoint = endpointOf(path);
    const started = clock.now();
    const bytesBefore = transport.stats.bytesReceived;
    for (let attempt = 0; ; attempt++) {
      const headers = new MiniHeaders({ accept: 'application/json', 'user-agent': 'feldera-cluster' });
      const auth = await authHeader();
      if (auth) headers.set('authorization', auth);
      if (conn.tenant) headers.set('feldera-tenant', conn.tenant);
      const t0 = clock.now();
      let failure: ApiError;
      let retryAfter: number | undefined;
      try {
        const res = (await $fetch.raw(conn.baseUrl + path, {
          headers: headers as unknown as HeadersInit,
          retry: false,
          ignoreResponseError: true,
          responseType: 'text',
          timeout: conn.timeoutMs,
        })) as unknown as MiniResponse & { _data?: string };
        const text = typeof res._data === 'string' ? res._data : '';
        trace?.(`GET ${path} → ${res.status} ${res.statusText} (${text.length} B, ${clock.now() - t0} ms)`);
        if (okStatuses.includes(res.status) || !RETRY_STATUSES.has(res.status)) {
          return { res, text, bytes: transport.stats.bytesReceived - bytesBefore };
        }
        failure = describeFailure(endpoint, res, text);
        retryAfter = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      } catch (e) {
        const cause = (e as { cause?: unknown }).cause ?? e;
        const te = cause as { name?: string; code?: string; message?: string };
        const code = te?.name === 'TimeoutError' || te?.name === 'AbortError' ? 'TIMEOUT' : cause instanceof TransportError ? cause.code : (te?.code ?? 'EUNKNOWN');
        trace?.(`GET ${path} → ${code} (${clock.now() - t0} ms)`);
        failure = transportFailure(endpoint, conn.host, code, te?.message ?? String(cause), cause);
        // A TLS failure will not heal by itself.
        if (failure.apiKind === 'tls') throw failure;
      }
      if (attempt >= conn.retries) throw failure;
      const backoff = Math.min(8000, 250 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      const wait = retryAfter !== undefined ? Math.max(retryAfter, 0) : backoff;
      if (clock.now() - started + wait > budget) throw failure;
      trace?.(`retrying in ${Math.round(wait)} ms (attempt ${attempt + 2} of ${conn.retries + 1}): ${failure.message}`);
      await clock.sleep(wait);
    }
  }

  function serverDateOf(res: MiniResponse): number | undefined {
    const d = res.headers.get('date');
    if (!d) return undefined;
    const ms = Date.parse(d);
    return Number.isNaN(ms) ? undefined : ms;
  }

  function describeFailure(endpoint: string, res: MiniResponse, text: string): ApiError {
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown;
    if (text && /json/i.test(contentType)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return httpFailure({
      endpoint,
      host: conn.host,
      status: res.status,
      statusText: res.statusText,
      contentType,
      text,
      feldera: asErrorBody(parsed),
      serverDate: serverDateOf(res),
    });
  }

  async function getJson<T>(path: string, check: (v: unknown) => T, okStatuses: number[] = [200]): Promise<Answer<T>> {
    const endpoint = endpointOf(path);
    const { res, text, bytes } = await get(path, okStatuses);
    const serverDate = serverDateOf(res);
    if (!okStatuses.includes(res.status)) throw describeFailure(endpoint, res, text);
    const contentType = res.headers.get('content-type') ?? '';
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      throw invalidResponse(endpoint, `got an HTML page instead of JSON (status ${res.status})`, serverDate);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      const why = text.trim() === '' ? 'empty body' : `not valid JSON (${(e as Error).message.split('\n')[0]})`;
      throw invalidResponse(endpoint, why, serverDate);
    }
    try {
      return { data: check(parsed), status: res.status, serverDate, bytes };
    } catch (e) {
      if (e instanceof ShapeError) throw invalidResponse(endpoint, e.message, serverDate);
      throw e;
    }
  }

  return {
    connection: conn,
    getEvent: (id, selector = 'status') =>
      getJson(`/v0/cluster/events/${encodeURIComponent(id)}?selector=${selector}`, (v) => checkEvent(v)),
    listEvents: () => getJson('/v0/cluster/events', checkEventList),
    clusterHealth: () => getJson('/v0/cluster_healthz', checkHealth, [200, 503]),
    platformConfig: () => getJson<PlatformConfig>('/v0/config', (v) => checkObject(v, 'the platform config', ['edition', 'version'])),
    session: () => getJson<SessionInfo>('/v0/config/session', (v) => checkObject(v, 'the session', ['memberships'])),
    authConfig: () => getJson<AuthConfig>('/config/authentication', (v) => checkObject(v, 'the authentication config', [])),
    refreshCredential: () => {
      if (conn.credential.kind !== 'token-command') return false;
      tokenStale = true;
      return true;
    },
    stats: () => ({ ...transport.stats }),
    close: () => transport.close(),
  };
}

export { ApiError };
