import { describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_S, checkIdClaims, scopesFor } from '../../src/oidc/claims.js';
import { OidcError } from '../../src/oidc/errors.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowS = NOW / 1000;
const expected = { issuer: 'https://idp.example.com', clientId: 'feldera', nowMs: NOW };
const good = { iss: 'https://idp.example.com', aud: 'feldera', exp: nowS + 600, iat: nowS, sub: 'alice' };

function refusal(claims: Record<string, unknown>, x = expected): string {
  try {
    checkIdClaims(claims, x);
  } catch (e) {
    expect(e).toBeInstanceOf(OidcError);
    expect((e as OidcError).kind).toBe('id-token');
    expect((e as OidcError).hint).toMatch(/nothing was saved/);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('the ID token checks made before a login is stored', () => {
  it('a good token gives the subject, the email and the expiry', () => {
    expect(checkIdClaims({ ...good, email: 'alice@example.com' }, expected)).toEqual({
      subject: 'alice',
      email: 'alice@example.com',
      expiresAt: (nowS + 600) * 1000,
    });
    expect(checkIdClaims(good, expected)).not.toHaveProperty('email');
  });

  it('another issuer is refused, and named', () => {
    expect(refusal({ ...good, iss: 'https://evil.example.com' })).toBe(
      "the identity provider's ID token was refused: its issuer (iss) is https://evil.example.com, expected https://idp.example.com",
    );
  });

  it('a token for another client is refused (audience, and azp when there are several)', () => {
    expect(refusal({ ...good, aud: 'other' })).toMatch(/audience \(aud\) is other, not this client \(feldera\)/);
    expect(refusal({ ...good, aud: ['other', 'more'] })).toMatch(/audience \(aud\) is other, more/);
    expect(refusal({ ...good, aud: ['feldera', 'other'], azp: 'other' })).toMatch(/authorized party \(azp\) is other/);
    expect(checkIdClaims({ ...good, aud: ['feldera', 'other'], azp: 'feldera' }, expected).subject).toBe('alice');
  });

  it('an expired token is refused; within the clock tolerance it passes', () => {
    expect(refusal({ ...good, exp: nowS - 3600 })).toBe(
      "the identity provider's ID token was refused: it expired at 2026-01-01T11:00:00Z (the time here is 2026-01-01T12:00:00Z)",
    );
    expect(refusal({ ...good, exp: nowS - CLOCK_TOLERANCE_S })).toMatch(/expired/);
    expect(checkIdClaims({ ...good, exp: nowS - CLOCK_TOLERANCE_S + 1 }, expected).subject).toBe('alice');
    expect(refusal({ ...good, exp: undefined })).toMatch(/no expiry/);
  });

  it('the nonce of another login, or no subject, is refused', () => {
    expect(refusal({ ...good, nonce: 'n1' }, { ...expected, nonce: 'n2' } as never)).toMatch(/nonce/);
    expect(refusal({ ...good, sub: '' })).toMatch(/no subject/);
  });

  it('untrusted claim text is sanitised in the message', () => {
    expect(refusal({ ...good, iss: 'https://x\u001b[31m.example\nnext' })).not.toMatch(/[\u001b\n]/);
  });
});

describe('the scopes asked for', () => {
  it('openid, the instance extras, offline_access when offered; each once', () => {
    expect(scopesFor(['groups', 'openid', 'groups'], ['openid', 'offline_access', 'groups'])).toEqual([
      'openid',
      'groups',
      'offline_access',
    ]);
    expect(scopesFor([], ['openid', 'email'])).toEqual(['openid']);
    expect(scopesFor([], undefined)).toEqual(['openid']);
  });

  it('a scope that is not a scope token is left out', () => {
    expect(scopesFor(['two words', 'a"b', '', 'ok'], [])).toEqual(['openid', 'ok']);
  });
});
