/**
 * Authentication and the one authorization rule the cluster routes have: the `read` role.
 */
import type { Answer } from './answer.js';
import { bearerChallenge, insufficientPermissions, unauthorizedApiKey } from './feldera-errors.js';
import { refusedTokenDescription } from './jwt.js';

/** The caller's RBAC role; `none` answers 403 on every route that needs `read`. */
export type SimRole = 'read' | 'write' | 'admin' | 'owner' | 'none';

/** Feldera's API keys start with this; any other bearer token is taken for a JWT. */
export const API_KEY_PREFIX = 'apikey:';

/** The bearer token of an `Authorization` header as actix-web-httpauth takes it, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const space = header === undefined ? -1 : header.indexOf(' ');
  if (header === undefined || header.length < 8 || space < 0 || header.slice(0, space) !== 'Bearer') return undefined;
  return header.slice(space + 1);
}

/**
 * The refusal for an `Authorization` header, or undefined when it passes (or authentication is off:
 * no key and no identity provider). The configured key passes as it is; any other token is refused
 * as Feldera refuses it: an API key with the JSON text of `AuthenticationFailed`, anything else as a
 * JWT — with `jwt`, the verdict of the configured identity provider's check (simulate
 * --oidc-issuer: jwt.ts), else as a JWT it cannot verify (`issuer`: the simulated identity
 * provider's, see /config/authentication).
 */
export function authenticate(
  header: string | undefined,
  apiKey: string | undefined,
  issuer = '',
  jwt?: { on: boolean; verdict?: string | undefined },
): Answer | undefined {
  if (apiKey === undefined && !jwt?.on) return undefined;
  // actix-web-httpauth: "Bearer <token>" (scheme case-sensitive, at least 8 bytes), else a bare challenge.
  const token = bearerToken(header);
  if (token === undefined) return bearerChallenge();
  if (apiKey !== undefined && token === apiKey) return undefined;
  if (token.startsWith(API_KEY_PREFIX)) return unauthorizedApiKey();
  if (jwt?.on) return jwt.verdict === undefined ? undefined : bearerChallenge(jwt.verdict);
  return bearerChallenge(refusedTokenDescription(token, issuer));
}

/** The refusal for a route that needs `read`, or undefined when the role has it. */
export const forbidden = (role: SimRole | undefined): Answer | undefined =>
  role === 'none' ? insufficientPermissions() : undefined;
