/**
 * OpenID Connect for `cluster login --oidc` and the token refresh: the identity provider's
 * discovery document, the two login flows — Authorization Code with PKCE and a loopback redirect
 * (RFC 8252), the Device Authorization Grant (RFC 8628) — the refresh grant and revocation
 * (RFC 7009). The protocol work is openid-client's (v6, on oauth4webapi: state, nonce, PKCE, the
 * ID token's issuer, audience and times); the checks of claims.ts are made again on our clock.
 *
 * Only `login --oidc`, `logout` of an OIDC profile and a refresh load this module: the build puts
 * it and openid-client in dist/lazy/oidc.cjs. It returns plain data and throws OidcError (see
 * errors.ts); it never prints, but tells `notify` what the person must do (open a URL, enter a code)
 * and `trace` what it asks of whom (--verbose). Tokens go to `onSecret` as soon as they arrive, so
 * that no output can carry them.
 */
import * as client from 'openid-client';
import { isLoopback } from '../api/auth.js';
import { CLOCK_TOLERANCE_S, checkIdClaims, type Identity, scopesFor } from './claims.js';
import { cancelled, explain, OidcError, said } from './errors.js';
import { listenLoopback } from './loopback.js';
import { openBrowser } from './open-browser.js';

export { scopesFor } from './claims.js';
export { OidcError } from './errors.js';

export interface OidcIO {
  /** What the person must do, one message at a time (stderr). */
  notify(text: string): void;
  /** --verbose lines: requests and decisions, never a token. */
  trace?(line: string): void;
  /** Each token as it arrives (access, refresh, ID): scrubbed from all output from then on. */
  onSecret(secret: string): void;
  /** Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Per request to the identity provider. */
  timeoutMs: number;
  now(): number;
  env: Record<string, string | undefined>;
}

/** A login's outcome, to be stored (config/profiles.ts `StoredOidc`). Times are epoch ms. */
export interface OidcLogin extends Identity {
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  accessToken: string;
  accessExpiresAt: number;
  obtainedAt: number;
  refreshToken?: string;
  scope?: string;
}

export interface LoginRequest {
  issuer: string;
  clientId: string;
  /** The instance's `extra_oidc_scopes`. */
  extraScopes: readonly string[];
}

/** How long to wait for the browser to come back before giving up. */
export const BROWSER_WAIT_MS = 10 * 60_000;

/** When the provider does not say how long an access token lives (`expires_in` is optional), assume this. */
const DEFAULT_ACCESS_LIFETIME_MS = 5 * 60_000;

/** Plain http only on loopback, as for credentials to Feldera (api/auth.ts). */
function checkIssuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new OidcError(`the issuer the instance names is not a URL: ${said(issuer)}`, {
      hint: "the instance's /config/authentication is misconfigured; ask its operator",
    });
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return url;
  throw new OidcError(`refusing to log in through ${said(issuer)}: an identity provider must use https`, {
    hint: 'plain http is accepted on a loopback address only (127.0.0.1, ::1, localhost)',
    kind: 'insecure-credential',
  });
}

/** Every request through the provider's fetch, aborted by Ctrl-C, traced without bodies. */
function fetcher(io: OidcIO): client.CustomFetch {
  return async (url, options) => {
    const started = io.now();
    const signal = options.signal ? AbortSignal.any([options.signal, io.signal]) : io.signal;
    try {
      const res = await fetch(url, { ...options, signal } as RequestInit);
      io.trace?.(`${options.method} ${url} → ${res.status} (${io.now() - started} ms)`);
      return res;
    } catch (e) {
      io.trace?.(`${options.method} ${url} → ${(e as Error).name} (${io.now() - started} ms)`);
      if (io.signal.aborted) throw cancelled();
      throw e;
    }
  };
}

function configure(config: client.Configuration, url: URL, io: OidcIO): client.Configuration {
  if (url.protocol === 'http:') client.allowInsecureRequests(config);
  config[client.customFetch] = fetcher(io);
  config.timeout = Math.max(1, Math.ceil(io.timeoutMs / 1000));
  return config;
}

/** The provider's discovery document (`<issuer>/.well-known/openid-configuration`), for a public client. */
export async function discover(issuer: string, clientId: string, io: OidcIO): Promise<client.Configuration> {
  const url = checkIssuerUrl(issuer);
  io.trace?.(`reading the discovery document of ${issuer}`);
  try {
    const config = await client.discovery(url, clientId, undefined, client.None(), {
      execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      timeout: Math.max(1, Math.ceil(io.timeoutMs / 1000)),
      [client.customFetch]: fetcher(io),
    });
    return configure(config, url, io);
  } catch (e) {
    throw explain(e, 'reading the discovery document', issuer, io.timeoutMs);
  }
}

/** The tokens of a successful grant, checked and made plain. */
function loginOf(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  config: client.Configuration,
  req: LoginRequest,
  io: OidcIO,
  obtainedAt: number,
  nonce?: string,
): OidcLogin {
  for (const t of [tokens.access_token, tokens.refresh_token, tokens.id_token]) if (t) io.onSecret(t);
  const claims = tokens.claims();
  if (!claims)
    throw new OidcError('the identity provider answered without an ID token, so the login has no identity', {
      hint: 'the provider must issue ID tokens for the `openid` scope',
    });
  const identity = checkIdClaims(claims as unknown as Record<string, unknown>, {
    issuer: req.issuer,
    clientId: req.clientId,
    nowMs: io.now(),
    ...(nonce !== undefined && { nonce }),
  });
  const meta = config.serverMetadata();
  return {
    ...identity,
    issuer: req.issuer,
    clientId: req.clientId,
    tokenEndpoint: String(meta.token_endpoint),
    ...(meta.revocation_endpoint && { revocationEndpoint: meta.revocation_endpoint }),
    accessToken: tokens.access_token,
    accessExpiresAt: accessExpiry(tokens, obtainedAt),
    obtainedAt,
    ...(tokens.refresh_token && { refreshToken: tokens.refresh_token }),
    ...(tokens.scope && { scope: tokens.scope }),
  };
}

/**
 * When the access token expires: `expires_in` from when the request was made, or the token's own
 * `exp` when it is a JWT and says earlier (a device login's last poll was sent some time before it
 * was answered), else DEFAULT_ACCESS_LIFETIME_MS. Erring early only refreshes a little sooner.
 */
function accessExpiry(tokens: client.TokenEndpointResponse, obtainedAt: number): number {
  const byLifetime =
    typeof tokens.expires_in === 'number' && tokens.expires_in > 0 ? obtainedAt + tokens.expires_in * 1000 : undefined;
  let byClaim: number | undefined;
  try {
    const exp = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8')).exp;
    if (typeof exp === 'number' && Number.isFinite(exp)) byClaim = exp * 1000;
  } catch {
    // opaque
  }
  if (byLifetime !== undefined && byClaim !== undefined) return Math.min(byLifetime, byClaim);
  return byLifetime ?? byClaim ?? obtainedAt + DEFAULT_ACCESS_LIFETIME_MS;
}

export interface BrowserOptions {
  /** False with --no-browser: print the URL only. */
  open: boolean;
  /** --callback-port, else 0 (any free port). */
  port: number;
  waitMs?: number;
}

/**
 * Authorization Code with PKCE (S256) and a loopback redirect: the browser goes to the provider's
 * authorization endpoint and comes back to http://127.0.0.1:<port>/callback with a code, which is
 * exchanged for the tokens (the state, nonce and PKCE verifier checked by openid-client).
 */
export async function browserLogin(req: LoginRequest, opts: BrowserOptions, io: OidcIO): Promise<OidcLogin> {
  const config = await discover(req.issuer, req.clientId, io);
  const meta = config.serverMetadata();
  if (!meta.authorization_endpoint)
    throw new OidcError(`the identity provider at ${req.issuer} has no authorization endpoint`, {
      hint: 'try `cluster login --oidc --device`',
    });
  const methods = meta.code_challenge_methods_supported;
  if (methods && !methods.includes('S256'))
    throw new OidcError(`the identity provider at ${req.issuer} does not support PKCE with S256`, {
      hint: 'try `cluster login --oidc --device`',
    });
  const scopes = scopesFor(req.extraScopes, meta.scopes_supported);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const loopback = await listenLoopback(opts.port, io.signal);
  try {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: loopback.redirectUri,
      scope: scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // OpenID Connect Core 11: a request for offline access (a refresh token) asks for consent.
      ...(scopes.includes('offline_access') && { prompt: 'consent' }),
    });
    io.trace?.(`waiting for the browser on ${loopback.redirectUri} (scopes: ${scopes.join(' ')})`);
    const opened = opts.open && (await openBrowser(url.href, io.env));
    io.notify(
      `${opened ? 'Opened the browser to log in; if it did not show the page, open' : 'Open'} this URL in a browser on this machine:\n  ${url.href}\nWaiting for the browser to come back to ${loopback.redirectUri} … (Ctrl-C to cancel)`,
    );
    const callback = await loopback.wait(state, opts.waitMs ?? BROWSER_WAIT_MS);
    const obtainedAt = io.now();
    try {
      const tokens = await client.authorizationCodeGrant(config, callback.url, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const login = loginOf(tokens, config, req, io, obtainedAt, nonce);
      callback.finish(true, `Logged in as ${login.email ?? login.subject}.`);
      return login;
    } catch (e) {
      const failure = explain(e, 'the login', req.issuer, io.timeoutMs);
      callback.finish(false, failure.message);
      throw failure;
    }
  } catch (e) {
    throw explain(e, 'the login', req.issuer, io.timeoutMs);
  } finally {
    await loopback.close();
  }
}

/**
 * The Device Authorization Grant: the provider gives a code that the person enters at its
 * verification page, on any device; the token endpoint is polled (at the interval it asks for)
 * until they approve, refuse, or the code expires.
 */
export async function deviceLogin(req: LoginRequest, io: OidcIO): Promise<OidcLogin> {
  const config = await discover(req.issuer, req.clientId, io);
  const meta = config.serverMetadata();
  if (!meta.device_authorization_endpoint)
    throw new OidcError(`the identity provider at ${req.issuer} does not offer the device authorization grant`, {
      hint: 'log in with the browser instead: `cluster login --oidc` (with --no-browser it prints the URL to open on this machine)',
      kind: 'unsupported',
    });
  const scopes = scopesFor(req.extraScopes, meta.scopes_supported);
  try {
    const started = await client.initiateDeviceAuthorization(config, { scope: scopes.join(' ') });
    const minutes = Math.max(1, Math.round(started.expires_in / 60));
    const complete = started.verification_uri_complete
      ? `\n(or open ${said(started.verification_uri_complete, 400)}, which carries the code)`
      : '';
    io.notify(
      `To log in, open ${said(started.verification_uri, 400)} in a browser on any device and enter the code\n  ${said(started.user_code, 40)}${complete}\nWaiting for the approval (the code expires in ${minutes} min) … (Ctrl-C to cancel)`,
    );
    const tokens = await client.pollDeviceAuthorizationGrant(config, started, undefined, { signal: io.signal });
    return loginOf(tokens, config, req, io, io.now());
  } catch (e) {
    if (io.signal.aborted) throw cancelled();
    const failure = explain(e, 'the device login', req.issuer, io.timeoutMs);
    if (/expired_token/.test(failure.message))
      throw new OidcError('the device code expired before the login was approved', {
        hint: 'run `cluster login --oidc --device` again and enter the new code in time',
      });
    if (/access_denied/.test(failure.message))
      throw new OidcError('the login was refused at the identity provider (access_denied)', {
        hint: 'run `cluster login --oidc --device` again and approve the login with the code shown',
        kind: 'oidc',
      });
    throw failure;
  }
}

/** What a refresh or revocation needs of a stored login: no discovery, the endpoints were stored. */
export interface StoredEndpoints {
  issuer: string;
  clientId: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
}

function configFromStored(s: StoredEndpoints, io: OidcIO): client.Configuration {
  const url = checkIssuerUrl(s.issuer);
  const server: client.ServerMetadata = {
    issuer: s.issuer,
    token_endpoint: s.tokenEndpoint,
    ...(s.revocationEndpoint && { revocation_endpoint: s.revocationEndpoint }),
  };
  return configure(new client.Configuration(server, s.clientId, undefined, client.None()), url, io);
}

export interface Refreshed {
  accessToken: string;
  accessExpiresAt: number;
  obtainedAt: number;
  /** A rotated refresh token, when the provider issued a new one. */
  refreshToken?: string;
  /** From a new ID token, when the provider sent one. */
  email?: string;
}

/**
 * The refresh grant. A refusal (`invalid_grant`: expired, revoked, or already used) is an OidcError
 * of kind `oidc-refused`, whose hint is `loginAgain`. A new ID token must be about the same subject.
 */
export async function refreshGrant(
  s: StoredEndpoints & { refreshToken: string; subject: string },
  loginAgain: string,
  io: OidcIO,
): Promise<Refreshed> {
  const config = configFromStored(s, io);
  const obtainedAt = io.now();
  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  try {
    tokens = await client.refreshTokenGrant(config, s.refreshToken);
  } catch (e) {
    const failure = explain(e, 'refreshing the access token', s.issuer, io.timeoutMs);
    if (failure.kind !== 'oidc-refused') throw failure;
    throw new OidcError(
      `the identity provider refused to renew the login (${failure.message.replace(/^.*answered /, '')})`,
      {
        hint: `the login has expired or was revoked; log in again: ${loginAgain}`,
        kind: 'oidc-refused',
      },
    );
  }
  for (const t of [tokens.access_token, tokens.refresh_token, tokens.id_token]) if (t) io.onSecret(t);
  const claims = tokens.claims() as Record<string, unknown> | undefined;
  let email: string | undefined;
  if (claims) {
    const identity = checkIdClaims(claims, { issuer: s.issuer, clientId: s.clientId, nowMs: io.now() });
    if (identity.subject !== s.subject)
      throw new OidcError('the identity provider renewed the login for another user', {
        hint: `log in again: ${loginAgain}`,
        kind: 'id-token',
      });
    email = identity.email;
  }
  return {
    accessToken: tokens.access_token,
    accessExpiresAt: accessExpiry(tokens, obtainedAt),
    obtainedAt,
    ...(tokens.refresh_token && { refreshToken: tokens.refresh_token }),
    ...(email !== undefined && { email }),
  };
}

/** RFC 7009 revocation of one token at the stored revocation endpoint. */
export async function revokeToken(
  s: StoredEndpoints & { revocationEndpoint: string },
  token: string,
  hint: 'refresh_token' | 'access_token',
  io: OidcIO,
): Promise<void> {
  try {
    await client.tokenRevocation(configFromStored(s, io), token, { token_type_hint: hint });
  } catch (e) {
    throw explain(e, 'revoking the token', s.issuer, io.timeoutMs);
  }
}

export { CLOCK_TOLERANCE_S };
