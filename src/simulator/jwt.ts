/**
 * Why Feldera refuses a bearer token that is not an API key (`auth.rs` `auth_validator`): it
 * peeks at the unverified `iss` claim, then verifies against the configured provider or a trust
 * relationship. The simulator verifies no signature, so every such token is refused — with the
 * `error_description` Feldera would give for it.
 */

import type { KeyObject } from 'node:crypto';

const ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'ES256',
  'ES384',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
];

/** base64 URL-safe without padding, as the `base64` crate's URL_SAFE_NO_PAD decodes it (strictly). */
function b64urlJson(part: string | undefined): unknown {
  if (part === undefined || !/^[A-Za-z0-9_-]*$/.test(part) || part.length % 4 === 1) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `peek_unverified_iss`: the `iss` claim of the payload, unverified. */
function peekIss(token: string): string | undefined {
  const payload = b64urlJson(token.split('.')[1]);
  const iss = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).iss : undefined;
  return typeof iss === 'string' ? iss : undefined;
}

/** The `error_description` of the 401 for a token that is not an API key. */
export function refusedTokenDescription(token: string, issuer: string): string {
  const iss = peekIss(token);
  if (iss === undefined) return 'Malformed JWT: missing iss claim';
  // The configured provider: its signing keys are fetched from the issuer, which has none here.
  if (iss === issuer) return 'Authentication failed - unable to fetch JWT keys';
  // Another issuer: `oidc_trust_auth`.
  const header = b64urlJson(token.split('.')[0]);
  const alg = typeof header === 'object' && header !== null ? (header as Record<string, unknown>).alg : undefined;
  if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) return 'Malformed JWT header';
  if (alg !== 'RS256') return `Unsupported JWT algorithm ${alg}`;
  if (typeof (header as Record<string, unknown>).kid !== 'string') return 'JWT header missing kid';
  return 'No OIDC trust relationship matches this token';
}

/**
 * The configured identity provider, as Feldera's `GenericOidc` checks a bearer JWT (`auth.rs`
 * `decode_oidc_token` with jsonwebtoken's `Validation::new(RS256)`): RS256 only, a `kid` in the
 * header, the key of that `kid` from the provider's JWKS (found through its discovery document,
 * read once at start; the keys cached for 120 s and fetched again for an unknown `kid`), the
 * signature, then `exp` (with jsonwebtoken's 60 s leeway), `iss`, `aud` (`--audience`, Feldera's
 * `auth_audience`, by default `feldera-api`), and the claims Feldera's `OidcClaim` cannot do
 * without (`iat`, `sub`). A refusal is Feldera's bodyless 401 with its `error_description`: the
 * jsonwebtoken error's name (`ExpiredSignature`, `InvalidAudience`, …) or Feldera's own words.
 */
export interface JwtCheckOptions {
  issuer: string;
  audience: string;
  /** Seconds a token may be past its `exp` (jsonwebtoken's default: 60). */
  leewayS?: number;
  /** Real time, epoch ms: tokens from a real provider carry real times, whatever the simulated clock says. */
  now?: () => number;
  /** GET a URL as JSON (default: fetch). */
  fetchJson?: (url: string) => Promise<unknown>;
}

export interface JwtChecker {
  /** undefined: the token passes; else the `error_description` of the 401. */
  check(token: string): Promise<string | undefined>;
  jwksUri: string;
}

/**
 * With a configured provider: a token of its issuer is checked against its keys; any other goes the
 * way of Feldera's trust relationships (refusedTokenDescription), of which the simulator has none.
 */
export async function verdictFor(token: string, issuer: string, checker: JwtChecker): Promise<string | undefined> {
  return peekIss(token) === issuer ? checker.check(token) : refusedTokenDescription(token, issuer);
}

/** Feldera's descriptions that are not jsonwebtoken's. */
const KEYS_UNREACHABLE = 'Authentication failed - unable to fetch JWT keys';
const KEY_FORMAT = 'Authentication failed - JWT key format error';
const KEY_CACHE_MS = 120_000;

async function defaultFetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** Read the provider's discovery document for its `jwks_uri`: Feldera will not start without it either. */
export async function createJwtChecker(o: JwtCheckOptions): Promise<JwtChecker> {
  const { createPublicKey, verify } = await import('node:crypto');
  const fetchJson = o.fetchJson ?? defaultFetchJson;
  const now = o.now ?? Date.now;
  const leeway = o.leewayS ?? 60;
  const discoveryUrl = `${o.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let discovery: unknown;
  try {
    discovery = await fetchJson(discoveryUrl);
  } catch (e) {
    throw new Error(`cannot read the discovery document ${discoveryUrl}: ${(e as Error).message}`);
  }
  const jwksUri = (discovery as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== 'string') throw new Error(`the discovery document ${discoveryUrl} names no jwks_uri`);

  const keys = new Map<string, { key: KeyObject; until: number }>();
  /** Fetch the JWKS into the cache; a description when that fails. */
  const fetchKeys = async (): Promise<string | undefined> => {
    let body: unknown;
    try {
      body = await fetchJson(jwksUri);
    } catch {
      return KEYS_UNREACHABLE;
    }
    const list = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) return KEY_FORMAT;
    const until = now() + KEY_CACHE_MS;
    for (const jwk of list as Record<string, unknown>[]) {
      // Feldera keeps only keys marked for RS256 signatures.
      if (jwk?.alg !== 'RS256' || jwk.use !== 'sig') continue;
      if (typeof jwk.kid !== 'string' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return KEY_FORMAT;
      try {
        keys.set(jwk.kid, { key: createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }), until });
      } catch {
        return KEY_FORMAT;
      }
    }
    return undefined;
  };

  /** The key of `kid`, fetched again when it is not cached (or the cache is old); else the description of the 401. */
  const keyOf = async (kid: string): Promise<KeyObject | string> => {
    const cached = keys.get(kid);
    if (cached && cached.until >= now()) return cached.key;
    keys.delete(kid);
    const failed = await fetchKeys();
    return failed ?? keys.get(kid)?.key ?? KEY_FORMAT; // "Invalid kid"
  };

  return {
    jwksUri,
    async check(token) {
      const parts = token.split('.');
      const kid = headerKid(parts);
      if (kid.problem !== undefined) return kid.problem;
      const key = await keyOf(kid.kid);
      if (typeof key === 'string') return key;
      const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
      if (!verify('RSA-SHA256', signed, key, Buffer.from(parts[2]!, 'base64url'))) return 'InvalidSignature';
      return claimsProblem(Buffer.from(parts[1]!, 'base64url').toString('utf8'), o, Math.floor(now() / 1000) - leeway);
    },
  };
}

/** jsonwebtoken's `decode_header` and the RS256-with-kid rule: the `kid`, or the description of the 401. */
function headerKid(parts: string[]): { kid: string; problem?: undefined } | { problem: string } {
  const header = b64urlJson(parts[0]);
  if (parts.length !== 3 || typeof header !== 'object' || header === null) return { problem: 'InvalidToken' };
  const { alg, kid } = header as Record<string, unknown>;
  if (alg !== 'RS256')
    return { problem: typeof alg === 'string' && ALGORITHMS.includes(alg) ? 'InvalidAlgorithm' : 'InvalidToken' };
  return typeof kid === 'string' ? { kid } : { problem: 'InvalidToken' };
}

/**
 * jsonwebtoken's `validate` (in its order: exp against `oldest` = now − leeway, iss, aud), then the
 * fields Feldera's `OidcClaim` requires. undefined when the claims pass.
 */
function claimsProblem(payloadText: string, o: JwtCheckOptions, oldest: number): string | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(payloadText);
  } catch {
    return 'JSON error: expected value at line 1 column 1';
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'JSON error: invalid type';
  if (claims.exp === undefined) return 'MissingRequiredClaim("exp")';
  if (typeof claims.exp === 'number' && claims.exp < oldest) return 'ExpiredSignature';
  if (claims.iss === undefined) return 'MissingRequiredClaim("iss")';
  if (claims.iss !== o.issuer) return 'InvalidIssuer';
  if (claims.aud === undefined) return 'MissingRequiredClaim("aud")';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(o.audience)) return 'InvalidAudience';
  const missing = ['exp', 'iat', 'iss', 'sub'].find((field) => claims[field] === undefined);
  return missing === undefined
    ? undefined
    : `JSON error: missing field \`${missing}\` at line 1 column ${payloadText.length}`;
}
