/**
 * Authentication and the one authorization rule the cluster routes have: the `read` role.
 */
import type { Answer } from './answer.js';
import { bearerChallenge, insufficientPermissions, unauthorizedApiKey } from './feldera-errors.js';
import { refusedTokenDescription } from './jwt.js';

/** The caller's RBAC role; `none` answers 403 on every route that needs `read`. */
export type SimRole = 'read' | 'write' | 'admin' | 'owner' | 'none';

/** Feldera's API keys start with this; any other bearer token is taken for a JWT. */
const API_KEY_PREFIX = 'apikey:';

/**
 * The refusal for an `Authorization` header, or undefined when it passes (or no key is set).
 * The configured key passes as it is; any other token is refused as Feldera refuses it: an API
 * key with the JSON text of `AuthenticationFailed`, anything else as a JWT it cannot verify
 * (`issuer`: the simulated identity provider's, see /config/authentication).
 */
export function authenticate(header: string | undefined, apiKey: string | undefined, issuer = ''): Answer | undefined {
  if (apiKey === undefined) return undefined;
  // actix-web-httpauth: "Bearer <token>" (scheme case-sensitive, at least 8 bytes), else a bare challenge.
  const space = header === undefined ? -1 : header.indexOf(' ');
  if (header === undefined || header.length < 8 || space < 0 || header.slice(0, space) !== 'Bearer')
    return bearerChallenge();
  const token = header.slice(space + 1);
  if (token === apiKey) return undefined;
  if (token.startsWith(API_KEY_PREFIX)) return unauthorizedApiKey();
  return bearerChallenge(refusedTokenDescription(token, issuer));
}

/** The refusal for a route that needs `read`, or undefined when the role has it. */
export const forbidden = (role: SimRole | undefined): Answer | undefined =>
  role === 'none' ? insufficientPermissions() : undefined;
