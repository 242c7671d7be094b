/**
 * The Feldera cluster-monitor client: one object per command run, made of ofetch's own parts —
 * `retry` and `retryStatusCodes` re-issue failed requests, `timeout` bounds each attempt,
 * `onRequest` adds the credential and tenant, `onResponse` keeps the server's `Date` and accepts
 * the 503 of an unhealthy `/v0/cluster_healthz`, `parseResponse` is the shape check — over our
 * node:http fetch (transport.ts). The retry policy (retry.ts) runs in the error hooks, which
 * forbid a retry that cannot help or would pass the time budget; its waits run on the injected
 * clock, so tests and virtual time never sleep for real (ofetch's own `retryDelay` would).
 *
 * It never prints; `trace` receives --verbose lines (the credential masked).
 */
import { createFetch, type FetchContext, type FetchOptions } from 'ofetch';
import { CliError } from '../errors.js';
import type { RequestProgress } from '../io/progress.js';
import { sanitizeLine } from '../io/sanitize.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type Authorizer,
  createAuthorizer,
  credentialTransportProblem,
  maskSecret,
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
import { ANSWER_LIMIT } from './limits.js';
import { NO_ANSWER_STATUS, parseRetryAfter, planRetry, RETRY_STATUSES } from './retry.js';
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
    const code = (e as NodeJS.ErrnoException).code;
    throw caError(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message),
    );
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
  $fetch: ReturnType<typeof createFetch>;
  transport: NodeFetch;
  auth: Authorizer;
  clock: Clock;
  budgetMs: number;
  trace: ((line: string) => void) | undefined;
}

/** After a failed attempt: wait for the retry the plan allows (on the injected clock), or stop retrying. */
async function waitOrStop(
  d: RequestDeps,
  a: {
    id: number;
    started: number;
    ctx: FetchContext;
    f: ApiError;
    retryAfterMs: number | undefined;
    refused: boolean;
  },
): Promise<void> {
  const { target, clock, trace } = d;
  const { ctx, f, retryAfterMs } = a;
  const attempt = target.retries - (typeof ctx.options.retry === 'number' ? ctx.options.retry : 0);
  const plan = planRetry({
    attempt,
    retries: target.retries,
    elapsedMs: clock.now() - a.started,
    budgetMs: d.budgetMs,
    transient: f.transient,
    retryAfterMs,
    refused: a.refused,
  });
  if (!plan.retry) {
    if (plan.why === 'budget')
      trace?.(
        `not retrying: waiting ${Math.round(plan.waitMs ?? 0)} ms would exceed the ${Math.round(d.budgetMs / 1000)} s limit`,
      );
    ctx.options.retry = false;
    return;
  }
  trace?.(
    `retrying in ${Math.round(plan.waitMs)} ms${retryAfterMs !== undefined ? ' (Retry-After)' : ''} (attempt ${attempt + 2} of ${target.retries + 1}): ${f.message}`,
  );
  d.progress?.({
    kind: 'retry',
    id: a.id,
    attempt: attempt + 2,
    attempts: target.retries + 1,
    reason: f.message,
    waitMs: plan.waitMs,
  });
  // ofetch hands the retry this attempt's options, timeout signal included; once that signal has
  // fired, the retry would be aborted before it is sent. Without it, ofetch arms a fresh timeout.
  ctx.options.signal = undefined;
  await clock.sleep(plan.waitMs);
}

/**
 * One GET for a JSON value: the options ofetch runs it with (hooks included) and the answer.
 * `accept` lists statuses besides 200 whose body is an answer when it has the right shape (the
 * 503 of /v0/cluster_healthz), so that a proxy's 503 page is still retried and explained.
 */
async function getJson<T>(
  d: RequestDeps,
  path: string,
  check: (v: unknown) => T,
  maxBytes: number,
  accept: readonly number[] = [],
): Promise<Answer<T>> {
  const { target, clock, trace } = d;
  const endpoint = endpointOf(path);
  const started = clock.now();
  const bytesBefore = d.transport.stats.bytesReceived;
  let attemptStart = started;
  let answered: { status: number; serverDate: number | undefined } | undefined;
  // The explanation of the last failed attempt: what the user sees if no retry succeeds.
  let failure: ApiError | undefined;

  const id = ++requestIds;
  const decide = async (ctx: FetchContext, f: ApiError, retryAfterMs: number | undefined, refused = false) => {
    failure = f;
    await waitOrStop(d, { id, started, ctx, f, retryAfterMs, refused });
  };

  const options: FetchOptions<'json'> & SendOptions = {
    baseURL: target.baseUrl,
    maxBytes,
    retry: target.retries,
    retryStatusCodes: [...RETRY_STATUSES, NO_ANSWER_STATUS],
    retryDelay: 0, // waited in `decide`, on the injected clock
    timeout: target.timeoutMs,
    parseResponse: decoderFor(check),
    async onRequest({ options: o }) {
      attemptStart = clock.now();
      o.headers.set('accept', 'application/json');
      o.headers.set('user-agent', 'feldera-cluster');
      const authorization = await d.auth.header();
      if (authorization) o.headers.set('authorization', authorization);
      if (target.tenant) o.headers.set('feldera-tenant', target.tenant);
    },
    async onRequestError(ctx) {
      const { code, message } = transportCode(ctx.error);
      trace?.(`GET ${path} → ${code} (${clock.now() - attemptStart} ms)`);
      await decide(
        ctx,
        explainTransport(target, endpoint, code, message, ctx.error),
        undefined,
        code === 'ECONNREFUSED',
      );
    },
    onResponse(ctx) {
      const { response } = ctx;
      const serverDate = serverDateOf(response.headers);
      const body: unknown = response._data;
      trace?.(
        `GET ${path} → ${response.status} ${sanitizeLine(response.statusText)} (${clock.now() - attemptStart} ms)`,
      );
      if (
        response.status === 200 ||
        (accept.includes(response.status) && !(body instanceof Undecoded) && body !== undefined)
      ) {
        if (body instanceof Undecoded || body === undefined) {
          throw undecodedFailure(
            endpoint,
            response.status,
            response.headers.get('content-type') ?? '',
            body,
            serverDate,
          );
        }
        answered = { status: response.status, serverDate };
        ctx.options.ignoreResponseError = true;
        return;
      }
      // Redirects and other statuses below 400 are not errors to ofetch: they are to us.
      if (response.status < 400) throw describeAnswer(target, endpoint, response, body);
    },
    async onResponseError(ctx) {
      const { response } = ctx;
      const f = describeAnswer(target, endpoint, response, response._data);
      const retryAfter = parseRetryAfter(
        response.headers.get('retry-after'),
        serverDateOf(response.headers) ?? clock.now(),
      );
      await decide(ctx, f, RETRY_STATUSES.includes(response.status) ? retryAfter : undefined);
    },
  };

  d.progress?.({ kind: 'start', id, host: target.host, endpoint });
  try {
    const data = await d.$fetch<T>(path, options);
    return {
      data,
      status: answered?.status ?? 200,
      serverDate: answered?.serverDate,
      bytes: d.transport.stats.bytesReceived - bytesBefore,
    };
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw failure ?? explainTransport(target, endpoint, transportCode(e).code, transportCode(e).message, e);
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
    listEvents: () => get('/v0/cluster/events', checkEventList, ANSWER_LIMIT.list),
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
