/**
 * The Feldera cluster-monitor client: one object per command run. Each attempt is one ofetch
 * request over our node:http fetch (transport.ts): ofetch joins the path to the base URL, sends the
 * headers, bounds the attempt with `timeout`, and hands the body to `parseResponse`, the shape
 * check. Whether and when to try again is decided here, by the retry policy (retry.ts), with its
 * waits on the injected clock: see `getJson` for why that part is not ofetch's `retry`.
 *
 * It never prints; `trace` receives --verbose lines (the credential masked).
 */
import { type $Fetch, createFetch, FetchError, type FetchOptions, type FetchResponse } from 'ofetch';
import { CliError } from '../errors.js';
import type { RequestProgress } from '../io/progress.js';
import { sanitizeLine } from '../io/sanitize.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type Authorizer,
  createAuthorizer,
  credentialTransportProblem,
  maskSecret,
  type OidcTokens,
  type RunTokenCommand,
  scrubSecret,
} from './auth.js';
import { decoderFor, Undecoded } from './decode.js';
import {
  ApiError,
  type ClientTarget,
  describeAnswer,
  explainTransport,
  serverDateOf,
  undecodedFailure,
} from './errors.js';
import { ANSWER_LIMIT, MAX_LIST_EVENTS } from './limits.js';
import { parseRetryAfter, planRetry, RETRY_STATUSES } from './retry.js';
import { createNodeFetch, MiniHeaders, type NodeFetch, type SendOptions, TransportError } from './transport.js';
import type { AuthConfig, ClusterEvent, HealthBody, PlatformConfig, Selector, SessionInfo } from './types.js';
import {
  checkAuthConfig,
  checkEvent,
  checkEventList,
  checkHealth,
  checkPlatformConfig,
  checkSession,
} from './validate.js';

export type { ClientTarget } from './errors.js';

export interface Answer<T> {
  data: T;
  /** HTTP status of the answer (200, or 503 for an unhealthy /v0/cluster_healthz). */
  status: number;
  /** The server's `Date` header in ms since the epoch, when it sent a valid one. */
  serverDate: number | undefined;
  /** Bytes received for this request (status line, headers, body), retries included. */
  bytes: number;
  /**
   * The event list only: how many events the server sent beyond MAX_LIST_EVENTS, left out (the
   * oldest); undefined when none were. The reader says so.
   */
  omitted?: number;
}

/**
 * A list longer than MAX_LIST_EVENTS cut to its newest events, in the order the server sent them
 * (newest first, from Feldera). Newest by `recorded_at` to the millisecond: enough to choose which
 * to keep; the order proper is domain/order.ts's.
 */
export function capEventList(a: Answer<ClusterEvent[]>, max = MAX_LIST_EVENTS): Answer<ClusterEvent[]> {
  const n = a.data.length;
  if (n <= max) return a;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = Date.parse(a.data[i]!.recorded_at);
    keys[i] = Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  }
  const threshold = Float64Array.from(keys).sort()[n - max]!;
  let ties = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > threshold) ties++;
  ties = max - ties; // how many of those at the threshold are kept
  const kept: ClusterEvent[] = [];
  for (let i = 0; i < n; i++) {
    if (keys[i]! > threshold || (keys[i] === threshold && ties-- > 0)) kept.push(a.data[i]!);
  }
  return { ...a, data: kept, omitted: n - kept.length };
}

// What a request is doing, for the progress line: defined with that line (io/progress.ts), below the client.
export type { RequestProgress };

export interface ClientOptions {
  clock?: Clock;
  /** Told when each request starts, is retried and ends (a spinner at a terminal). */
  progress?: (p: RequestProgress) => void;
  /** Keep one connection open (watch loops). */
  keepAlive?: boolean;
  /** Receives one line per request and retry for --verbose; never sees credentials. */
  trace?: (line: string) => void;
  /** Runs a token command; injectable for tests. Default: /bin/sh -c. */
  runTokenCommand?: RunTokenCommand;
  /** Told each token a token command printed, before it is sent (so output can be scrubbed of it). */
  onSecret?: (secret: string) => void;
  /** Fresh access tokens for an OIDC credential (refreshed under the config lock): see api/auth.ts. */
  oidcTokens?: OidcTokens;
  /** Total time budget for one request including retries (ms). Default: max(30 s, 3 × timeout). */
  retryBudgetMs?: number;
}

export interface ClusterClient {
  readonly connection: ClientTarget;
  getEvent(id: string, selector?: Selector): Promise<Answer<ClusterEvent>>;
  listEvents(): Promise<Answer<ClusterEvent[]>>;
  /** Today's `HealthStatus`, or the `{runner, compiler}` of Feldera v0.121–v0.200. */
  clusterHealth(): Promise<Answer<HealthBody>>;
  platformConfig(): Promise<Answer<PlatformConfig>>;
  session(): Promise<Answer<SessionInfo>>;
  authConfig(): Promise<Answer<AuthConfig>>;
  /** Re-run the token command on the next request (tokens expire). False when there is none. */
  refreshCredential(): boolean;
  stats(): { requests: number; bytesReceived: number };
  close(): void;
}

function endpointOf(path: string): string {
  return path.split('?')[0]!;
}

/** A CA bundle is a few KB (the whole Mozilla bundle about 220 KB): more than this is not one. */
export const CA_MAX_BYTES = 1 << 20;
/** How long a pipe (`--ca-cert <(…)`) may take to deliver the bundle. */
const CA_PIPE_WAIT_MS = 5_000;

function caError(file: string, why: string): CliError {
  return new CliError(`cannot read the CA certificate ${file}: ${why}`, {
    hint: 'give a readable PEM file with --ca-cert or FELDERA_HTTPS_TLS_CERT',
    kind: 'config',
  });
}

/** Why a CA bundle could not be opened: in words for the errors people meet, else the error's code. */
function openProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (e as Error).message;
}

/**
 * A CA bundle named by --ca-cert or FELDERA_HTTPS_TLS_CERT, checked before any request. Read with a
 * size cap and a time limit: `/dev/zero` or an endless pipe is an error, not a hang. Opened
 * non-blocking, so a named pipe without a writer does not block the open either.
 */
async function readCa(file: string): Promise<string> {
  const { open } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  let fh: import('node:fs/promises').FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw caError(file, openProblem(e));
  }
  let ca: string;
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw caError(file, 'it is a directory');
    if (!st.isFile() && !st.isFIFO()) throw caError(file, 'it is a device, not a file');
    if (st.size > CA_MAX_BYTES)
      throw caError(file, `it is larger than ${CA_MAX_BYTES >> 20} MB, too large for a CA bundle`);
    ca = await readCapped(fh, file);
  } finally {
    await fh.close();
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliError(`the CA certificate file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, {
      hint: "give the PEM certificate (bundle) of the CA that signed the server's certificate with --ca-cert or FELDERA_HTTPS_TLS_CERT",
      kind: 'config',
    });
  }
  return ca;
}

/** Everything up to end of file, at most CA_MAX_BYTES; a pipe with nothing to read yet is waited for, CA_PIPE_WAIT_MS at most. */
async function readCapped(fh: import('node:fs/promises').FileHandle, file: string): Promise<string> {
  const buf = Buffer.alloc(CA_MAX_BYTES + 1);
  const deadline = Date.now() + CA_PIPE_WAIT_MS;
  let n = 0;
  for (;;) {
    let got: number;
    try {
      got = (await fh.read(buf, n, buf.length - n, null)).bytesRead;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw caError(file, code ?? (e as Error).message);
      if (Date.now() > deadline) throw caError(file, `nothing more to read after ${CA_PIPE_WAIT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    if (got === 0) return buf.toString('utf8', 0, n);
    n += got;
    if (n > CA_MAX_BYTES) throw caError(file, `it is larger than ${CA_MAX_BYTES >> 20} MB, too large for a CA bundle`);
  }
}

/** What a failed attempt with no answer was: a timeout, or the socket's / TLS layer's error code. */
function transportCode(error: unknown): { code: string; message: string } {
  const e = error as { name?: string; code?: unknown; message?: string } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return { code: 'TIMEOUT', message: e.message ?? 'timeout' };
  if (error instanceof TransportError) return { code: error.code, message: error.message };
  return { code: typeof e?.code === 'string' ? e.code : 'EUNKNOWN', message: e?.message ?? String(error) };
}

let requestIds = 0;

interface RequestDeps {
  progress: ((p: RequestProgress) => void) | undefined;
  target: ClientTarget;
  $fetch: $Fetch;
  transport: NodeFetch;
  auth: Authorizer;
  clock: Clock;
  budgetMs: number;
  trace: ((line: string) => void) | undefined;
}

/** One GET: where to, how to read its body, which statuses besides 200 may carry the answer. */
interface RequestSpec<T> {
  path: string;
  endpoint: string;
  parse: (text: string) => T | Undecoded;
  maxBytes: number;
  accept: readonly number[];
}

/** What one attempt came to: the answer, or the failure with what the retry policy weighs. */
type Attempt<T> =
  | { ok: true; data: T; status: number; serverDate: number | undefined }
  | { ok: false; failure: ApiError; retryAfterMs?: number; refused?: boolean };

function decoded<T>(body: T | Undecoded | undefined): body is T {
  return body !== undefined && !(body instanceof Undecoded);
}

/** The request headers of one attempt: a token command's token is asked for each time (it may have been refreshed). */
async function headersFor(d: RequestDeps): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'feldera-cluster' };
  const authorization = await d.auth.header();
  if (authorization) headers.authorization = authorization;
  if (d.target.tenant) headers['feldera-tenant'] = d.target.tenant;
  return headers;
}

/**
 * One attempt, made by ofetch with its retries off: it joins the path to the base URL, sends the
 * headers, aborts at the request timeout, hands the body's text to our parse step, and returns
 * every answer whatever its status (`ignoreResponseError`); only a request without an answer
 * makes it throw (its FetchError, whose `cause` is what the transport threw).
 */
async function attemptOnce<T>(d: RequestDeps, r: RequestSpec<T>): Promise<Attempt<T>> {
  const { target, clock, trace } = d;
  const headers = await headersFor(d);
  const started = clock.now();
  const options: FetchOptions<'json'> & SendOptions = {
    baseURL: target.baseUrl,
    headers,
    maxBytes: r.maxBytes,
    retry: false,
    timeout: target.timeoutMs,
    ignoreResponseError: true,
    parseResponse: r.parse,
  };
  let response: FetchResponse<T | Undecoded>;
  try {
    response = await d.$fetch.raw<T | Undecoded>(r.path, options);
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    const { code, message } = transportCode(e.cause);
    trace?.(`GET ${r.path} → ${code} (${clock.now() - started} ms)`);
    return {
      ok: false,
      failure: explainTransport(target, r.endpoint, code, message, e.cause),
      refused: code === 'ECONNREFUSED',
    };
  }
  const { status } = response;
  const serverDate = serverDateOf(response.headers);
  const body = response._data;
  trace?.(`GET ${r.path} → ${status} ${sanitizeLine(response.statusText)} (${clock.now() - started} ms)`);
  if (status === 200 || (r.accept.includes(status) && decoded(body))) {
    if (decoded(body)) return { ok: true, data: body, status, serverDate };
    const contentType = response.headers.get('content-type') ?? '';
    return { ok: false, failure: undecodedFailure(r.endpoint, status, contentType, body, serverDate) };
  }
  // Anything else is explained; redirects and other statuses below 400 as much as errors.
  const failure = describeAnswer(target, r.endpoint, response, body);
  if (!RETRY_STATUSES.includes(status)) return { ok: false, failure };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), serverDate ?? clock.now());
  return { ok: false, failure, retryAfterMs };
}

/**
 * One GET for a JSON value, tried again while the retry policy (retry.ts) allows. `accept` lists
 * statuses besides 200 whose body is an answer when it has the right shape (the 503 of
 * /v0/cluster_healthz), so that a proxy's 503 page is still retried and explained.
 *
 * The retry loop is ours, not ofetch's `retry`: ofetch waits between attempts with a real
 * setTimeout (tests and `event watch` run on an injected clock, and must never sleep for real), it
 * reports "no answer" as status 500 (so a real 500, which must not be retried, cannot be told apart
 * through `retryStatusCodes`), and nothing it documents tells `retryDelay` which attempt failed or
 * how long the request has taken. The policy needs all of these: a total time budget, Retry-After,
 * a refused connection tried twice at most.
 */
async function getJson<T>(
  d: RequestDeps,
  path: string,
  check: (v: unknown) => T,
  maxBytes: number,
  accept: readonly number[] = [],
): Promise<Answer<T>> {
  const { target, clock, trace } = d;
  const spec: RequestSpec<T> = { path, endpoint: endpointOf(path), parse: decoderFor(check), maxBytes, accept };
  const started = clock.now();
  const bytesBefore = d.transport.stats.bytesReceived;
  const id = ++requestIds;
  d.progress?.({ kind: 'start', id, host: target.host, endpoint: spec.endpoint });
  try {
    for (let attempt = 0; ; attempt++) {
      const a = await attemptOnce(d, spec);
      if (a.ok) {
        const bytes = d.transport.stats.bytesReceived - bytesBefore;
        return { data: a.data, status: a.status, serverDate: a.serverDate, bytes };
      }
      const plan = planRetry({
        attempt,
        retries: target.retries,
        elapsedMs: clock.now() - started,
        budgetMs: d.budgetMs,
        transient: a.failure.transient,
        retryAfterMs: a.retryAfterMs,
        refused: a.refused,
      });
      if (!plan.retry) {
        if (plan.why === 'budget') {
          const limit = Math.round(d.budgetMs / 1000);
          trace?.(`not retrying: waiting ${Math.round(plan.waitMs ?? 0)} ms would exceed the ${limit} s limit`);
        }
        throw a.failure;
      }
      const next = `attempt ${attempt + 2} of ${target.retries + 1}`;
      const why = a.retryAfterMs !== undefined ? ' (Retry-After)' : '';
      trace?.(`retrying in ${Math.round(plan.waitMs)} ms${why} (${next}): ${a.failure.message}`);
      d.progress?.({
        kind: 'retry',
        id,
        attempt: attempt + 2,
        attempts: target.retries + 1,
        reason: a.failure.message,
        waitMs: plan.waitMs,
      });
      await clock.sleep(plan.waitMs);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    const { code, message } = transportCode(e);
    throw explainTransport(target, spec.endpoint, code, message, e);
  } finally {
    d.progress?.({ kind: 'end', id });
  }
}

export async function createClient(target: ClientTarget, opts: ClientOptions = {}): Promise<ClusterClient> {
  const clock = opts.clock ?? systemClock;
  const url = new URL(target.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`unsupported protocol in ${target.host}: only http:// and https:// are supported`, {
      exitCode: 64,
      kind: 'usage',
    });
  }
  const refusal = credentialTransportProblem(url.href, target.credential);
  if (refusal) {
    throw new ApiError('insecure-credential', refusal.message.replace(url.href, target.host), {
      endpoint: '',
      hint: refusal.hint,
    });
  }
  const ca = target.caCert ? await readCa(target.caCert) : undefined;
  const transport = createNodeFetch({ insecure: target.insecure, ca, keepAlive: opts.keepAlive });
  const $fetch = createFetch({ fetch: transport.fetch, Headers: MiniHeaders, AbortController });

  let auth: Authorizer;
  const masked = (line: string) => {
    const s = auth.secret();
    return s && s.length >= 4 ? line.split(s).join(maskSecret(s)) : line;
  };
  const trace = opts.trace ? (line: string) => opts.trace!(masked(line)) : undefined;
  auth = createAuthorizer(target.credential, {
    runTokenCommand: opts.runTokenCommand,
    trace,
    onSecret: opts.onSecret,
    fromEnv: target.sources?.credential === 'env',
    ...(opts.oidcTokens && { oidcTokens: opts.oidcTokens }),
  });
  const deps: RequestDeps = {
    progress: opts.progress,
    target,
    $fetch,
    transport,
    auth,
    clock,
    trace,
    budgetMs: opts.retryBudgetMs ?? Math.max(30_000, target.timeoutMs * 3),
  };
  /** No message, hint or trace that leaves the client carries the secret. */
  const get = <T>(path: string, check: (v: unknown) => T, maxBytes: number, accept?: readonly number[]) =>
    getJson(deps, path, check, maxBytes, accept).catch((e: unknown) => {
      throw e instanceof Error ? scrubSecret(e, auth.secret()) : e;
    });

  return {
    connection: target,
    getEvent: (id, selector = 'status') =>
      get(
        `/v0/cluster/events/${encodeURIComponent(id)}?selector=${selector}`,
        (v) => checkEvent(v),
        ANSWER_LIMIT.event,
      ),
    listEvents: () => get('/v0/cluster/events', checkEventList, ANSWER_LIMIT.list).then((a) => capEventList(a)),
    clusterHealth: () => get('/v0/cluster_healthz', checkHealth, ANSWER_LIMIT.small, [503]),
    platformConfig: () => get('/v0/config', checkPlatformConfig, ANSWER_LIMIT.small),
    session: () => get('/v0/config/session', checkSession, ANSWER_LIMIT.small),
    authConfig: () => get('/config/authentication', checkAuthConfig, ANSWER_LIMIT.small),
    refreshCredential: () => auth.refresh(),
    stats: () => ({ ...transport.stats }),
    close: () => transport.close(),
  };
}

export { ApiError };
