/**
 * Failures of the OIDC module, each one line that says what went wrong, with a hint. The module is
 * a chunk of its own in the build (dist/lazy/oidc.cjs), with its own copy of whatever it imports,
 * so it throws `OidcError`, which load.ts turns into the main program's CliError (an instanceof
 * test would not hold across the two files).
 *
 * Everything an identity provider said is untrusted text: sanitised, and cut short.
 */
import { sanitizeLine } from '../io/sanitize.js';

export class OidcError extends Error {
  readonly hint: string | undefined;
  readonly kind: string;
  readonly exitCode: number;

  constructor(message: string, opts: { hint?: string; kind?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'OidcError';
    this.hint = opts.hint;
    this.kind = opts.kind ?? 'oidc';
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Ctrl-C or SIGTERM during a login: exit 130, nothing saved. */
export function cancelled(): OidcError {
  return new OidcError('login cancelled; nothing was saved', { kind: 'interrupted', exitCode: 130 });
}

/** A provider's text, safe to print on one line. */
export function said(text: unknown, max = 200): string {
  const line = sanitizeLine(String(text ?? ''));
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function when(epochS: unknown): string {
  return typeof epochS === 'number' && Number.isFinite(epochS)
    ? new Date(epochS * 1000).toISOString().replace(/\.000Z$/, 'Z')
    : said(epochS);
}

const CLAIMS: Record<string, string> = {
  iss: 'issuer (iss)',
  aud: 'audience (aud)',
  azp: 'authorized party (azp)',
  nonce: 'nonce',
  sub: 'subject (sub)',
};

/** The network failure under a fetch error, in words: `connection refused`, `ENOTFOUND`, … */
function networkCause(e: Error): string | undefined {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS: ${code}`;
  if (code) return code;
  if (typeof cause?.message === 'string' && cause.message) return said(cause.message, 80); // fetch's own: "bad port"
  return e.message === 'fetch failed' ? undefined : said(e.message);
}

/**
 * What went wrong talking to the identity provider at `issuer` while doing `what` ("discovery",
 * "the token request", …), as an OidcError. An OidcError passes through unchanged.
 */
export function explain(e: unknown, what: string, issuer: string, timeoutMs?: number): OidcError {
  if (e instanceof OidcError) return e;
  const err = e as Error & {
    code?: string;
    error?: unknown;
    error_description?: unknown;
    status?: unknown;
    cause?: unknown;
  };
  const name = err?.name;
  if (name === 'AbortError') return cancelled();
  if (name === 'TimeoutError')
    return new OidcError(
      `${what}: the identity provider at ${issuer} did not answer within ${Math.round((timeoutMs ?? 30_000) / 1000)} s`,
      { hint: 'try again; --request-timeout SECONDS waits longer', kind: 'timeout' },
    );
  if (err?.code === 'OAUTH_RESPONSE_BODY_ERROR' || err?.code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    const desc = err.error_description ? `: ${said(err.error_description)}` : '';
    const denied = err.error === 'access_denied';
    return new OidcError(`${what}: the identity provider answered ${said(err.error, 60)}${desc}`, {
      kind: err.error === 'invalid_grant' ? 'oidc-refused' : 'oidc',
      hint: denied
        ? 'the login was refused or cancelled at the identity provider; run the command again to retry'
        : "check that the client id (the instance's, or --client-id) is a public client allowed this flow at the provider",
    });
  }
  if (err?.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' || err?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED')
    return claimRefused((err.cause as { cause?: Record<string, unknown> } | undefined)?.cause ?? {});
  if (name === 'TypeError' && /fetch/i.test(err.message)) {
    const why = networkCause(err);
    return new OidcError(`${what}: cannot reach the identity provider at ${issuer}${why ? ` (${why})` : ''}`, {
      hint: 'check the network, and that the issuer the instance names (`cluster auth status`) is reachable from here',
      kind: 'unreachable',
    });
  }
  const status = typeof err?.status === 'number' ? ` (HTTP ${err.status})` : '';
  return new OidcError(`${what} with the identity provider at ${issuer} failed${status}: ${said(err?.message ?? e)}`, {
    hint: 'run it again with --verbose to see the requests made to the identity provider',
    kind: 'oidc',
  });
}

/** openid-client's check of an ID token claim failed: which claim, and what it held. */
function claimRefused(detail: Record<string, unknown>): OidcError {
  const claims = (detail.claims ?? {}) as Record<string, unknown>;
  const claim = String(detail.claim ?? '');
  if (claim === 'exp')
    return idTokenRefused(`it expired at ${when(claims.exp)} (the time here is ${when(detail.now)})`);
  if (claim === 'iat' || claim === 'nbf')
    return idTokenRefused(
      `it is dated in the future (${claim} ${when(claims[claim])}; the time here is ${when(detail.now)})`,
    );
  const label = CLAIMS[claim] ?? `"${said(claim, 40)}" claim`;
  const got = claims[claim];
  const shown = Array.isArray(got) ? got.map((v) => said(v, 80)).join(', ') : said(got, 80);
  return idTokenRefused(`its ${label} is ${shown || 'missing'}, expected ${said(detail.expected, 120)}`);
}

/** The ID token did not pass a check: nothing is stored. */
export function idTokenRefused(why: string): OidcError {
  return new OidcError(`the identity provider's ID token was refused: ${why}`, {
    hint: "nothing was saved; check this machine's clock, and that the instance names the right issuer and client id",
    kind: 'id-token',
  });
}
