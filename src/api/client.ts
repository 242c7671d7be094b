/**
 * The Feldera cluster-monitor client: one object per command run, built on ofetch with our own
 * node:http transport. It adds credentials, retries transient failures within a time budget,
 * checks every body's shape, and reports the server's `Date` with each answer (staleness is
 * judged against the server's clock, not ours). It never prints; `trace` receives --verbose lines.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '../config/connection.js';
import { credentialTransportProblem, maskSecret } from '../config/connection.js';
import { CliError } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { ApiError, httpFailure, invalidResponse, transportFailure } from './errors.js';
import { loadCreateFetch } from './ofetch.js';
import { MiniHeaders, TransportError, createNodeFetch, type MiniResponse, type NodeFetch } from './transport.js';
import type { AuthConfig, ClusterEvent, HealthStatus, PlatformConfig, Selector, SessionInfo } from './types.js';
import { ShapeError, asErrorBody, checkAuthConfig, checkEvent, checkEventList, checkHealth, checkPlatformConfig, checkSession } from './validate.js';

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

/** Hide anything that looks like a bearer secret (API keys, JWTs) in text that may be shown. */
export function redactSecrets(text: string): string {
  return text
    .replace(/apikey:[^\s"',;]+/gi, (m) => maskSecret(m))
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '<token>')
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1<token>');
}

/** A bearer token must fit in one header line: printable ASCII, no spaces. */
function validToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

export async function defaultRunTokenCommand(command: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = execFile('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const first = redactSecrets(sanitizeLine(String(stderr).trim().split('\n')[0] ?? ''));
        const code = (err as { code?: unknown }).code;
        const killed = (err as { killed?: boolean }).killed;
        const status = killed ? ' (timed out after 30 s)' : typeof code === 'number' ? ` (exit ${code})` : '';
        reject(
          new CliError(`the token command failed${status}${first ? `: ${first.slice(0, 200)}` : ''}`, {
            hint: "check FELDERA_AUTH_TOKEN_COMMAND or the profile's --token-command (see `cluster auth status`)",
            kind: 'token-command',
          }),
        );
        return;
      }
      const token = String(stdout).trim();
      if (!token) reject(new CliError('the token command printed nothing', { hint: 'it should print a bearer token on standard output', kind: 'token-command' }));
      else resolve(token);
    });
    child.stdin?.end(); // a command that reads stdin gets end-of-file, not a 30 s wait
  });
}

function endpointOf(path: string): string {
  return path.split('?')[0]!;
}

function htmlTitle(text: string): string {
  const t = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  return t ? `: "${sanitizeLine(t).slice(0, 80)}"` : '';
}

export async function createClient(conn: Connection, opts: ClientOptions = {}): Promise<ClusterClient> {
  const clock = opts.clock ?? systemClock;
  const trace = opts.trace;
  const runTokenCommand = opts.runTokenCommand ?? defaultRunTokenCommand;
  const budget = opts.retryBudgetMs ?? Math.max(30_000, conn.timeoutMs * 3);
  const url = new URL(conn.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`unsupported protocol in ${conn.host}: only http:// and https:// are supported`, { exitCode: 64, kind: 'usage' });
  }

  const refusal = credentialTransportProblem(url.href, conn.credential);
  if (refusal) {
    throw new ApiError('insecure-credential', refusal.message.replace(url.href, conn.host), { endpoint: '', hint: refusal.hint });
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
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CliError(`the CA certificate file ${conn.caCert} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, {
        hint: 'give the PEM certificate (bundle) of the CA that signed the server\'s certificate with --ca-cert or FELDERA_HTTPS_TLS_CERT',
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
  /** The secret in use, once known: scrubbed from any message that leaves the client. */
  function secret(): string | undefined {
    const c = conn.credential;
    return c.kind === 'apikey' || c.kind === 'token' ? c.token : token;
  }
  async function authHeader(): Promise<string | undefined> {
    const c = conn.credential;
    if (c.kind === 'none') return undefined;
    if (c.kind === 'apikey' || c.kind === 'token') {
      if (!validToken(c.token)) {
        throw new CliError(`the ${c.kind === 'apikey' ? 'API key' : 'token'} (${conn.sources?.credential === 'env' ? 'FELDERA_API_KEY' : 'stored credential'}) contains spaces or control characters`, {
          hint: 'a bearer credential is one word of printable characters; check for stray quotes or line breaks',
          kind: 'config',
        });
      }
      return `Bearer ${c.token}`;
    }
    if (tokenStale || token === undefined) {
      trace?.('running the token command');
      const t = await runTokenCommand(c.command);
      if (!validToken(t)) {
        throw new CliError('the token command printed something that is not a single bearer token (spaces, several lines or control characters)', {
          hint: 'it should print only the token on standard output',
          kind: 'token-command',
        });
      }
      token = t;
      tokenStale = false;
    }
    return `Bearer ${token}`;
  }

  /** Last line of defence: no message, hint or trace carries the secret. */
  function scrub<E extends Error>(e: E): E {
    const s = secret();
    if (s && s.length >= 4) {
      const mask = maskSecret(s);
      if (e.message.includes(s)) e.message = e.message.split(s).join(mask);
      const h = (e as { hint?: string }).hint;
      if (h && h.includes(s)) Object.defineProperty(e, 'hint', { value: h.split(s).join(mask) });
    }
    return e;
  }
  const traceLine = trace
    ? (line: string) => {
        const s = secret();
        trace(s && s.length >= 4 ? line.split(s).join(maskSecret(s)) : line);
      }
    : undefined;

  /** Explain a transport failure, with the configuration hint when the host is only the default. */
  function explainTransport(endpoint: string, code: string, message: string, cause: unknown): ApiError {
    const failure = transportFailure(endpoint, conn.host, code, message, cause);
    if (failure.apiKind === 'unreachable' && conn.sources?.host === 'default') {
      return new ApiError('unreachable', `${failure.message} (no host is configured; this is the default, where a local Feldera listens)`, {
        endpoint,
        hint: 'log in with `cluster login`, choose a stored profile with `cluster profile use NAME`, or pass --host URL / set FELDERA_HOST',
        transient: failure.transient,
        cause,
      });
    }
    return failure;
  }

  /**
   * One GET with retries; returns the raw answer for the caller to interpret. `okStatuses` other
   * than 200 (the 503 of /v0/cluster_healthz) count only when `bodyOk` accepts the body, so that a
   * proxy's 503 page is still retried and reported as a proxy error.
   */
  async function get(
    path: string,
    okStatuses: number[] = [200],
    bodyOk: (text: string, res: MiniResponse) => boolean = () => true,
  ): Promise<{ res: MiniResponse; text: string; bytes: number }> {
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
        traceLine?.(`GET ${path} → ${res.status} ${sanitizeLine(res.statusText)} (${text.length} B, ${clock.now() - t0} ms)`);
        const accepted = res.status === 200 || (okStatuses.includes(res.status) && bodyOk(text, res));
        if (accepted || !RETRY_STATUSES.has(res.status)) {
          return { res, text, bytes: transport.stats.bytesReceived - bytesBefore };
        }
        failure = describeFailure(endpoint, res, text);
        const serverNow = serverDateOf(res) ?? clock.now();
        retryAfter = parseRetryAfter(res.headers.get('retry-after'), serverNow);
      } catch (e) {
        if (e instanceof CliError) throw scrub(e);
        const cause = (e as { cause?: unknown }).cause ?? e;
        const te = cause as { name?: string; code?: string; message?: string };
        const code = te?.name === 'TimeoutError' || te?.name === 'AbortError' ? 'TIMEOUT' : cause instanceof TransportError ? cause.code : (te?.code ?? 'EUNKNOWN');
        traceLine?.(`GET ${path} → ${code} (${clock.now() - t0} ms)`);
        failure = scrub(explainTransport(endpoint, code, te?.message ?? String(cause), cause));
        // Failures that will not heal by themselves: TLS, unknown host name, bad protocol.
        if (!failure.transient) throw failure;
      }
      if (attempt >= conn.retries) throw failure;
      const backoff = Math.min(8000, 250 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      const wait = retryAfter !== undefined ? retryAfter : backoff;
      if (clock.now() - started + wait > budget) {
        traceLine?.(`not retrying: waiting ${Math.round(wait)} ms would exceed the ${Math.round(budget / 1000)} s limit`);
        throw failure;
      }
      traceLine?.(`retrying in ${Math.round(wait)} ms${retryAfter !== undefined ? ' (Retry-After)' : ''} (attempt ${attempt + 2} of ${conn.retries + 1}): ${failure.message}`);
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
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      let target = location;
      try {
        target = new URL(location, conn.baseUrl + endpoint).href;
      } catch {
        // keep it as sent
      }
      return new ApiError('server', `${conn.host} redirects ${endpoint} to ${sanitizeLine(target).slice(0, 200)} (${res.status})`, {
        endpoint,
        status: res.status,
        serverDate: serverDateOf(res),
        hint: 'use the address it redirects to as the host (--host, FELDERA_HOST or `cluster login`); redirects are not followed, so credentials never travel on to another address',
      });
    }
    let parsed: unknown;
    if (text && (/json/i.test(contentType) || /^\s*\{/.test(text))) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const failure = httpFailure({
      endpoint,
      host: conn.host,
      status: res.status,
      statusText: res.statusText,
      contentType,
      text,
      feldera: asErrorBody(parsed),
      serverDate: serverDateOf(res),
    });
    if (failure.apiKind === 'unauthorized') return scrub(unauthorizedHint(failure));
    return scrub(failure);
  }

  /** A 401's hint depends on where the credential came from (or why there was none). */
  function unauthorizedHint(failure: ApiError): ApiError {
    const c = conn.credential;
    const src = conn.sources?.credential;
    let hint: string;
    if (c.kind === 'none' && conn.credentialWithheld) {
      hint = `${conn.credentialWithheld}, so none was sent; log in to this host with \`cluster login --host ${conn.host} --profile NAME\` or set FELDERA_API_KEY`;
    } else if (c.kind === 'none') {
      hint = 'this instance needs a credential: run `cluster login` (or set FELDERA_API_KEY)';
    } else if (src === 'env') {
      hint = c.kind === 'token-command' ? 'the token printed by FELDERA_AUTH_TOKEN_COMMAND was rejected; check the command' : 'FELDERA_API_KEY was rejected; check it, or unset it to use the stored profile';
    } else {
      const name = conn.profileName ?? 'default';
      hint = `the credential stored in profile "${name}" was rejected (revoked or expired?); run \`cluster login --profile ${name}\` again`;
    }
    return new ApiError('unauthorized', failure.message, {
      endpoint: failure.endpoint,
      status: failure.status,
      errorCode: failure.errorCode,
      serverDate: failure.serverDate,
      hint,
    });
  }

  async function getJson<T>(path: string, check: (v: unknown) => T, okStatuses: number[] = [200]): Promise<Answer<T>> {
    const endpoint = endpointOf(path);
    // A non-200 "ok" status (503 from /v0/cluster_healthz) only counts with a body of the right shape.
    const bodyOk = (text: string) => {
      try {
        check(JSON.parse(text));
        return true;
      } catch {
        return false;
      }
    };
    const { res, text, bytes } = await get(path, okStatuses, bodyOk);
    const serverDate = serverDateOf(res);
    if (res.status !== 200 && !(okStatuses.includes(res.status) && bodyOk(text))) throw describeFailure(endpoint, res, text);
    const contentType = res.headers.get('content-type') ?? '';
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      throw invalidResponse(endpoint, `got an HTML page instead of JSON (status ${res.status}${htmlTitle(text)})`, serverDate);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      const why =
        text.trim() === ''
          ? 'empty body'
          : `not valid JSON${/end of (json )?input|unterminated/i.test((e as Error).message) ? ', it ends too early (truncated)' : ''} (${(e as Error).message.split('\n')[0]})`;
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
    platformConfig: () => getJson<PlatformConfig>('/v0/config', checkPlatformConfig),
    session: () => getJson<SessionInfo>('/v0/config/session', checkSession),
    authConfig: () => getJson<AuthConfig>('/config/authentication', checkAuthConfig),
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
