/**
 * Turning what went wrong on the wire into one line the user can act on. Every server-supplied
 * string passes through the sanitiser before it is put into a message.
 */
import { CliError, EXIT } from '../errors.js';
import { sanitizeLine } from '../io/sanitize.js';
import type { Credential } from './auth.js';
import { Undecoded } from './decode.js';
import { describeLimit } from './limits.js';
import { asErrorBody } from './validate.js';

/**
 * Where and how to connect, as the config layer resolved it. The client needs nothing else; the
 * optional fields only sharpen hints (where the host and credential came from).
 */
export interface ClientTarget {
  /** The host as the user gave it, for messages. */
  host: string;
  /** Canonical base URL without a trailing slash. */
  baseUrl: string;
  credential: Credential;
  tenant?: string;
  insecure: boolean;
  /** Path of an extra PEM CA bundle. */
  caCert?: string;
  timeoutMs: number;
  retries: number;
  /** Where the host and the credential came from (`flag`, `env`, `profile`, `default`). */
  sources?: { host?: string; credential?: string };
  /** The profile in use, if any. */
  profileName?: string;
  /** Why the profile's credential was not sent, if it was not. */
  credentialWithheld?: string;
}

export type ApiErrorKind =
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'unknown-event'
  | 'no-events'
  | 'no-api'
  | 'bad-request'
  | 'server'
  | 'proxy'
  | 'invalid-response'
  | 'insecure-credential'
  | 'token-command'
  | 'too-large';

export class ApiError extends CliError {
  readonly apiKind: ApiErrorKind;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly endpoint: string;
  /** Transient: worth another try later (watch loops keep going on these). */
  readonly transient: boolean;
  /** The server's `Date` header, when there was an answer. */
  readonly serverDate: number | undefined;

  constructor(
    apiKind: ApiErrorKind,
    message: string,
    opts: {
      endpoint: string;
      status?: number;
      errorCode?: string;
      hint?: string;
      transient?: boolean;
      serverDate?: number;
      cause?: unknown;
    },
  ) {
    super(message, { exitCode: EXIT.FAILURE, hint: opts.hint, kind: apiKind, cause: opts.cause });
    this.name = 'ApiError';
    this.apiKind = apiKind;
    this.status = opts.status;
    this.errorCode = opts.errorCode;
    this.endpoint = opts.endpoint;
    this.transient = opts.transient ?? false;
    this.serverDate = opts.serverDate;
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The TLS codes that mean "this certificate is not trusted", as opposed to a broken handshake. */
const VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/**
 * Node 24 ends a certificate failure with advice for whoever starts Node ("; if the root CA is
 * installed locally, try running Node.js with --use-system-ca"): not something a user of this
 * tool types, and our hint says what to do instead. The same failure reads the same on every Node.
 */
function withoutNodeAdvice(message: string): string {
  return message.replace(/;\s*if the root CA is installed locally, try running Node\.js with --use-system-ca\.?$/i, '');
}

/** Socket failures in words; any other code is explained by its own message. */
const SOCKET_REASONS: ReadonlyMap<string, string> = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ENOTFOUND', 'host name not found'],
  ['EAI_AGAIN', 'host name lookup failed (DNS)'],
  ['ECONNRESET', 'connection reset (no answer)'],
  ['EPIPE', 'connection reset (no answer)'],
  ['ETIMEDOUT', 'connection timed out'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'host unreachable'],
  ['ERR_PROTOCOL', 'unsupported protocol'],
]);

function isTlsFailure(code: string, message: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    /certificate|ssl|tls/i.test(message)
  );
}

function tlsFailure(endpoint: string, host: string, code: string, message: string, cause: unknown): ApiError {
  // OpenSSL's own text (`write EPROTO 80…:error:0A00010B:SSL routines:…:wrong version number:…`) is cut to its reason.
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1]?.trim();
  if (reason === 'wrong version number' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new ApiError(
      'tls',
      `TLS failure talking to ${host}: the server did not answer in TLS (wrong version number)`,
      {
        endpoint,
        hint: 'the server may speak plain HTTP on that port: try http:// instead of https://',
        cause,
      },
    );
  }
  return new ApiError('tls', `TLS failure talking to ${host}: ${sanitizeLine(reason ?? withoutNodeAdvice(message))}`, {
    endpoint,
    hint:
      'if the server uses a private CA, pass its certificate with --ca-cert FILE (or FELDERA_HTTPS_TLS_CERT); ' +
      '--insecure skips verification',
    cause,
  });
}

function tooLargeFailure(endpoint: string, host: string, cause: unknown): ApiError {
  const limit = (cause as { limit?: unknown } | undefined)?.limit;
  const cap = typeof limit === 'number' ? describeLimit(limit) : 'the limit';
  return new ApiError('too-large', `answer too large: ${host} sent more than ${cap} for ${endpoint}; stopped reading`, {
    endpoint,
    hint: 'Feldera never sends this much; check --host (another server or a proxy may be answering)',
    cause,
  });
}

/**
 * Node's HTTP parser refused what came back (headers too large, a malformed status line): a
 * server answered, not in HTTP it can read. Trying again brings the same answer.
 */
function unreadableHttp(endpoint: string, host: string, code: string, message: string, cause: unknown): ApiError {
  const overflow = code === 'HPE_HEADER_OVERFLOW';
  const what = overflow ? 'headers too large to read' : `an answer that is not valid HTTP (${sanitizeLine(message)})`;
  return new ApiError(overflow ? 'too-large' : 'invalid-response', `${host} sent ${what} for ${endpoint}`, {
    endpoint,
    hint: 'Feldera never sends this; check --host (another server or a proxy may be answering)',
    cause,
  });
}

export function transportFailure(
  endpoint: string,
  host: string,
  code: string,
  message: string,
  cause: unknown,
): ApiError {
  if (code === 'TIMEOUT') {
    return new ApiError('timeout', `no answer from ${host} within the request timeout (${endpoint})`, {
      endpoint,
      hint: 'raise it with --request-timeout SECONDS, or check the instance',
      transient: true,
      cause,
    });
  }
  if (isTlsFailure(code, message)) return tlsFailure(endpoint, host, code, message, cause);
  if (code === 'ERR_TOO_LARGE') return tooLargeFailure(endpoint, host, cause);
  if (code.startsWith('HPE_')) return unreadableHttp(endpoint, host, code, message, cause);
  if (code === 'ERR_INCOMPLETE') {
    return new ApiError(
      'unreachable',
      `the answer from ${host} for ${endpoint} was cut off: the connection closed before it was complete`,
      {
        endpoint,
        hint: 'a proxy or the network dropped the connection; try again',
        transient: true,
        cause,
      },
    );
  }
  const why = SOCKET_REASONS.get(code) ?? sanitizeLine(message);
  // A name that does not resolve or a protocol we cannot speak will not heal by retrying.
  const permanent = code === 'ENOTFOUND' || code === 'ERR_PROTOCOL';
  return new ApiError('unreachable', `cannot reach ${host}: ${why}`, {
    endpoint,
    hint: 'check the host, or set one with `cluster login`, --host URL or FELDERA_HOST',
    transient: !permanent,
    cause,
  });
}

function fromHtml(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
  return title ? sanitizeLine(title.trim()).slice(0, 120) : '';
}

export interface ErrorAnswer {
  endpoint: string;
  host: string;
  status: number;
  statusText: string;
  contentType: string;
  text: string;
  /** Parsed Feldera error body, if it was one. */
  feldera?: { message: string; error_code: string; details?: unknown };
  serverDate?: number;
  /** The `WWW-Authenticate` header, when there was one. */
  challenge?: string;
}

/** The `error_description` of a `WWW-Authenticate: Bearer …` challenge (why a token was refused). */
export function challengeDescription(challenge: string | undefined): string | undefined {
  const m = challenge === undefined ? null : /error_description="([^"]*)"/i.exec(challenge);
  return m ? sanitizeLine(m[1]!).slice(0, 200) : undefined;
}

/** The fields every ApiError of one answer carries. */
type Common = { endpoint: string; status: number; errorCode: string | undefined; serverDate: number | undefined };

function unauthorized(a: ErrorAnswer, common: Common): ApiError {
  let message: string;
  const why = challengeDescription(a.challenge);
  if (a.feldera) message = `not authorised: ${sanitizeLine(a.feldera.message)}`;
  else if (why) message = `not authorised: ${a.host} refused the bearer token (${why})`;
  else message = `not authorised: ${a.host} requires credentials`;
  return new ApiError('unauthorized', message, { ...common, hint: 'run `cluster login` (or set FELDERA_API_KEY)' });
}

/** A 404: an event that is gone, no events yet, or a route the server does not have (undefined: another 404). */
function notFound(a: ErrorAnswer, common: Common): ApiError | undefined {
  const { endpoint, feldera } = a;
  if (feldera?.error_code === 'UnknownClusterMonitorEvent') {
    return new ApiError('unknown-event', sanitizeLine(feldera.message) || 'no such cluster monitor event', {
      ...common,
      hint: 'events are kept for 72 h and at most the 1000 newest; list what is left with `cluster event list`',
    });
  }
  if (feldera?.error_code === 'NoClusterMonitorEventsAvailable') {
    return new ApiError('no-events', 'no cluster monitor events recorded yet', {
      ...common,
      hint: 'the monitor records its first event within seconds of the instance starting; try again shortly',
    });
  }
  if (feldera) return undefined;
  const events = endpoint.startsWith('/v0/cluster/events');
  return new ApiError(
    'no-api',
    `${a.host} has no ${events ? 'cluster-events API' : endpoint} (${endpoint} answered 404)`,
    {
      ...common,
      hint: `the server is too old for ${events ? 'cluster monitor events' : endpoint}, or not a Feldera instance; check --host`,
    },
  );
}

/** Statuses that a proxy or load balancer answers, and Feldera's guidance calls transient. */
const TRANSIENT_STATUSES = new Set([408, 429, 502, 503, 504]);

/** A transient status without Feldera's error body: a proxy's or load balancer's page. */
function proxyFailure(a: ErrorAnswer, common: Common): ApiError {
  const { status, endpoint } = a;
  const raw = a.contentType.includes('html') ? fromHtml(a.text) : sanitizeLine(a.text).slice(0, 120);
  const said = `${status} ${sanitizeLine(a.statusText)}`;
  // A page that only repeats the status line ("502 Bad Gateway") adds nothing.
  const page =
    raw.replace(/\s+/g, ' ').trim().toLowerCase() === said.toLowerCase() ||
    raw.trim().toLowerCase() === sanitizeLine(a.statusText).toLowerCase()
      ? ''
      : raw;
  return new ApiError('proxy', `${a.host} answered ${said}${page ? ` (${page})` : ''} for ${endpoint}`, {
    ...common,
    hint:
      status === 429
        ? 'the server is rate-limiting; wait and try again'
        : 'a proxy or load balancer could not reach Feldera; try again, or check the instance',
    transient: true,
  });
}

function serverErrorHint(status: number): string | undefined {
  if (status === 501) return 'this Feldera edition or version does not implement it';
  if (status >= 500) return 'the Feldera instance failed to answer; check its logs and health (`cluster status`)';
  return undefined;
}

/** An HTTP answer with an error status, explained. */
export function httpFailure(a: ErrorAnswer): ApiError {
  const { endpoint, status, feldera } = a;
  const msg = feldera ? sanitizeLine(feldera.message) : '';
  const code = feldera?.error_code;
  const common: Common = { endpoint, status, errorCode: code, serverDate: a.serverDate };
  if (status === 401) return unauthorized(a, common);
  if (status === 403) {
    return new ApiError(
      'forbidden',
      `forbidden: ${feldera ? msg : 'the credential lacks the role to read cluster events'}`,
      {
        ...common,
        hint: 'reading cluster events needs the `read` role or higher; ask an administrator',
      },
    );
  }
  const missing = status === 404 ? notFound(a, common) : undefined;
  if (missing) return missing;
  if (status === 400) {
    const detail = feldera ? msg : sanitizeLine(a.text).slice(0, 200);
    return new ApiError('bad-request', `the server rejected the request: ${detail || a.statusText}`, common);
  }
  if (TRANSIENT_STATUSES.has(status) && !feldera) return proxyFailure(a, common);
  if (feldera) {
    return new ApiError('server', `server error ${status} (${sanitizeLine(code ?? '')}): ${msg}`, {
      ...common,
      hint: serverErrorHint(status),
      transient: TRANSIENT_STATUSES.has(status),
    });
  }
  const page = a.contentType.includes('html') ? fromHtml(a.text) : sanitizeLine(a.text).slice(0, 160);
  return new ApiError(
    'server',
    `${a.host} answered ${status} ${sanitizeLine(a.statusText)} for ${endpoint}${page ? `: ${page}` : ''}`,
    common,
  );
}

export function invalidResponse(endpoint: string, what: string, serverDate?: number): ApiError {
  return new ApiError('invalid-response', `invalid answer from ${endpoint}: ${sanitizeLine(what)}`, {
    endpoint,
    hint: 'the server (or a proxy in front of it) did not send what Feldera sends; check --host',
    serverDate,
  });
}

/** Explain a transport failure, with the configuration hint when the host is only the default. */
export function explainTransport(
  target: ClientTarget,
  endpoint: string,
  code: string,
  message: string,
  cause: unknown,
): ApiError {
  const failure = transportFailure(endpoint, target.host, code, message, cause);
  if (failure.apiKind === 'tls' && target.caCert && !target.insecure && VERIFY_CODES.has(code)) {
    // A CA was given and it is not the one: say so, rather than suggest giving one.
    return new ApiError('tls', `${failure.message} — not signed by the CA in ${target.caCert}`, {
      endpoint,
      hint:
        `check that ${target.caCert} holds the certificate of the CA that signed the server's ` +
        '(--ca-cert / FELDERA_HTTPS_TLS_CERT); --insecure skips verification',
      cause,
    });
  }
  if (failure.apiKind !== 'unreachable' || target.sources?.host !== 'default') return failure;
  return new ApiError(
    'unreachable',
    `${failure.message} (no host is configured; this is the default, where a local Feldera listens)`,
    {
      endpoint,
      hint: 'log in with `cluster login`, choose a stored profile with `cluster profile use NAME`, or pass --host URL / set FELDERA_HOST',
      transient: failure.transient,
      cause,
    },
  );
}

interface AnswerLike {
  status: number;
  statusText: string;
  headers: Pick<Headers, 'get'>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Dates before this are no Feldera server's now (cluster monitor events came in 2025). */
export const EARLIEST_SERVER_DATE = Date.UTC(2020, 0, 1);
/** Nor after this. */
export const LATEST_SERVER_DATE = Date.UTC(2200, 0, 1);

/**
 * A `Date` header as RFC 7231 (§7.1.1.1) has servers send it, the IMF-fixdate
 * `Sun, 06 Nov 1994 08:49:37 GMT`, and nothing else: `Date.parse` reads `1` as the year 2001 and
 * takes almost anything. A day that does not exist, a weekday that does not match the date, or a
 * year outside 2020–2199 is no server's clock. Undefined for all of those.
 */
export function parseHttpDate(text: string | null | undefined): number | undefined {
  const m = IMF_FIXDATE.exec(text?.trim() ?? '');
  if (!m) return undefined;
  const [, weekday, dd, mon, yyyy, hh, mi, ss] = m;
  const month = MONTHS.indexOf(mon!);
  if (month < 0 || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 60) return undefined;
  const ms = Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Math.min(59, Number(ss)));
  const d = new Date(ms);
  if (d.getUTCDate() !== Number(dd) || d.getUTCMonth() !== month || DAYS[d.getUTCDay()] !== weekday) return undefined;
  return ms < EARLIEST_SERVER_DATE || ms >= LATEST_SERVER_DATE ? undefined : ms;
}

/** The server's clock, from its Date header (undefined when missing, not an IMF-fixdate, or implausible). */
export function serverDateOf(headers: Pick<Headers, 'get'>): number | undefined {
  return parseHttpDate(headers.get('date'));
}

/** An answer that is not the value asked for (an error status, a redirect), explained. `body` is what the parse step made of it. */
export function describeAnswer(target: ClientTarget, endpoint: string, res: AnswerLike, body: unknown): ApiError {
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    let to = location;
    try {
      to = new URL(location, target.baseUrl + endpoint).href;
    } catch {
      // keep it as sent
    }
    return new ApiError(
      'server',
      `${target.host} redirects ${endpoint} to ${sanitizeLine(to).slice(0, 200)} (${res.status})`,
      {
        endpoint,
        status: res.status,
        serverDate: serverDateOf(res.headers),
        hint:
          'use the address it redirects to as the host (--host, FELDERA_HOST or `cluster login`); ' +
          'redirects are not followed, so credentials never travel on to another address',
      },
    );
  }
  const undecoded = body instanceof Undecoded;
  const json = undecoded ? body.json : body;
  let text = '';
  if (undecoded) text = body.text;
  else if (body !== undefined) text = JSON.stringify(body);
  const failure = httpFailure({
    endpoint,
    host: target.host,
    status: res.status,
    statusText: res.statusText,
    contentType: res.headers.get('content-type') ?? '',
    text,
    feldera: asErrorBody(json),
    serverDate: serverDateOf(res.headers),
    challenge: res.headers.get('www-authenticate') ?? undefined,
  });
  return failure.apiKind === 'unauthorized' ? unauthorizedHint(target, failure) : failure;
}

/** A 401's hint depends on where the credential came from (or why there was none). */
function unauthorizedHint(target: ClientTarget, failure: ApiError): ApiError {
  const c = target.credential;
  const src = target.sources?.credential;
  let hint: string;
  if (c.kind === 'none' && target.credentialWithheld) {
    hint =
      `${target.credentialWithheld}, so none was sent; ` +
      `log in to this host with \`cluster login --host ${target.host} --profile NAME\` or set FELDERA_API_KEY`;
  } else if (c.kind === 'none') {
    hint = 'this instance needs a credential: run `cluster login` (or set FELDERA_API_KEY)';
  } else if (src === 'env') {
    hint =
      c.kind === 'token-command'
        ? 'the token printed by FELDERA_AUTH_TOKEN_COMMAND was rejected; check the command'
        : 'FELDERA_API_KEY was rejected; check it, or unset it to use the stored profile';
  } else if (c.kind === 'oidc') {
    hint = `the OIDC login of profile "${c.profile}" was rejected (revoked, or the instance expects another audience?); log in again: \`cluster login --oidc --profile ${c.profile}\``;
  } else {
    const name = target.profileName ?? 'default';
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

/** Why a successful status came with a body that is not the value: HTML from a proxy, empty, not JSON, the wrong shape. */
export function undecodedFailure(
  endpoint: string,
  status: number,
  contentType: string,
  body: Undecoded | undefined,
  serverDate: number | undefined,
): ApiError {
  const text = body?.text ?? '';
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    return invalidResponse(
      endpoint,
      `got an HTML page instead of JSON (status ${status}${fromHtml(text) ? `: "${fromHtml(text)}"` : ''})`,
      serverDate,
    );
  }
  return invalidResponse(endpoint, body?.problem ?? 'empty body', serverDate);
}
