/**
 * An OIDC credential on the wire: the access token comes from the token source before each request
 * (so a refreshed one is used at once), and after the server refused it (`refresh()`, as
 * `event watch` does on a 401) the source is told which token was refused.
 */
import { describe, expect, it } from 'vitest';
import { createAuthorizer, describeCredential, type OidcCredential } from '../../src/api/auth.js';

const credential: OidcCredential = {
  kind: 'oidc',
  profile: 'prod',
  issuer: 'https://idp.example.com',
  subject: 'u1',
  email: 'alice@example.com',
  accessToken: 'stored-access-token',
  expiresAt: 2_000,
  obtainedAt: 1_000,
};

describe('an OIDC credential', () => {
  it('is described by who logged in, never by its token', () => {
    expect(describeCredential(credential)).toBe('OIDC login alice@example.com');
    expect(describeCredential({ ...credential, email: undefined } as OidcCredential)).toBe('OIDC login u1');
  });

  it('asks the token source before each request; after refresh() it names the refused token', async () => {
    const asked: { rejected?: string }[] = [];
    let n = 0;
    const seen: string[] = [];
    const auth = createAuthorizer(credential, {
      oidcTokens: async (_c, o = {}) => {
        asked.push(o);
        return `token-${++n}`;
      },
      onSecret: (s) => seen.push(s),
    });
    expect(await auth.header()).toBe('Bearer token-1');
    expect(await auth.header()).toBe('Bearer token-2');
    expect(auth.refresh()).toBe(true);
    expect(await auth.header()).toBe('Bearer token-3');
    expect(asked).toEqual([{}, {}, { rejected: 'token-2' }]);
    expect(auth.secret()).toBe('token-3');
    expect(seen).toEqual(['token-1', 'token-2', 'token-3']);
  });

  it('a token that cannot go in a header is refused with the login command', async () => {
    const auth = createAuthorizer(credential, { oidcTokens: async () => 'two words' });
    await expect(auth.header()).rejects.toThrow('the access token of profile "prod" is not a single bearer token');
  });
});
