/**
 * Why Feldera refuses a bearer token that is not an API key (`auth.rs` `auth_validator`): it
 * peeks at the unverified `iss` claim, then verifies against the configured provider or a trust
 * relationship. The simulator verifies no signature, so every such token is refused — with the
 * `error_description` Feldera would give for it.
 */

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
