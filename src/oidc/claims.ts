/**
 * The checks an ID token must pass before anything of a login is stored: issued by the issuer the
 * instance names, for this client, not expired, for the nonce of this login, naming a subject.
 * openid-client checks the same (test/oidc/claims.test.ts pins that it does); they are made here
 * too, on the injected clock, so the rule is ours and does not move with a library upgrade.
 */
import { idTokenRefused, said } from './errors.js';

/** How far a token's times may be off the local clock (openid-client's default too). */
export const CLOCK_TOLERANCE_S = 30;

export interface Identity {
  subject: string;
  email?: string;
  /** The ID token's expiry, epoch ms. */
  expiresAt: number;
}

export interface Expected {
  issuer: string;
  clientId: string;
  nowMs: number;
  nonce?: string;
}

function iso(epochS: number): string {
  return new Date(epochS * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export function checkIdClaims(claims: Record<string, unknown>, x: Expected): Identity {
  const { iss, aud, exp, sub, azp, nonce, email } = claims;
  if (iss !== x.issuer)
    throw idTokenRefused(`its issuer (iss) is ${said(iss, 120) || 'missing'}, expected ${said(x.issuer, 120)}`);
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(x.clientId))
    throw idTokenRefused(
      `its audience (aud) is ${audiences.map((a) => said(a, 80)).join(', ') || 'missing'}, not this client (${said(x.clientId, 80)})`,
    );
  if (audiences.length > 1 && azp !== undefined && azp !== x.clientId)
    throw idTokenRefused(`its authorized party (azp) is ${said(azp, 80)}, not this client (${said(x.clientId, 80)})`);
  const now = Math.floor(x.nowMs / 1000);
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw idTokenRefused('it has no expiry (exp)');
  if (exp + CLOCK_TOLERANCE_S <= now) throw idTokenRefused(`it expired at ${iso(exp)} (the time here is ${iso(now)})`);
  if (x.nonce !== undefined && nonce !== x.nonce) throw idTokenRefused('its nonce is not the one of this login');
  if (typeof sub !== 'string' || sub === '') throw idTokenRefused('it names no subject (sub)');
  return {
    subject: sub,
    ...(typeof email === 'string' && email !== '' && { email }),
    expiresAt: exp * 1000,
  };
}

/**
 * The scopes to ask for: `openid`, the instance's `extra_oidc_scopes`, and `offline_access` (for a
 * refresh token) when the issuer lists it among its `scopes_supported`. Each once, in that order;
 * a scope that is not a valid scope token (RFC 6749 3.3) is left out.
 */
export function scopesFor(extra: readonly string[], supported: readonly string[] | undefined): string[] {
  const valid = (s: string) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s);
  const out = ['openid'];
  for (const s of extra) if (valid(s) && !out.includes(s)) out.push(s);
  if (supported?.includes('offline_access') && !out.includes('offline_access')) out.push('offline_access');
  return out;
}
