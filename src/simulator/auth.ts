/**
 * Authentication and the one authorization rule the cluster routes have: the `read` role.
 */
import type { Answer } from './answer.js';
import { bearerChallenge, insufficientPermissions, unauthorizedApiKey } from './feldera-errors.js';

/** The caller's RBAC role; `none` answers 403 on every route that needs `read`. */
export type SimRole = 'read' | 'write' | 'admin' | 'owner' | 'none';

/** The refusal for an `Authorization` header, or undefined when it passes (or no key is set). */
export function authenticate(header: string | undefined, apiKey: string | undefined): Answer | undefined {
  if (apiKey === undefined) return undefined;
  // actix-web-httpauth: "Bearer <token>" (scheme case-sensitive, at least 8 bytes), else a bare challenge.
  const space = header === undefined ? -1 : header.indexOf(' ');
  if (header === undefined || header.length < 8 || space < 0 || header.slice(0, space) !== 'Bearer') return bearerChallenge();
  if (header.slice(space + 1) !== apiKey) return unauthorizedApiKey();
  return undefined;
}

/** The refusal for a route that needs `read`, or undefined when the role has it. */
export const forbidden = (role: SimRole | undefined): Answer | undefined => (role === 'none' ? insufficientPermissions() : undefined);
