/**
 * The OIDC module against a real OpenID Provider (oidc-provider on 127.0.0.1): the device login
 * approved by the test at the provider's pages, the refresh grant with a rotating refresh token,
 * revocation; and what openid-client itself checks of an ID token (pinned: claims.ts relies on the
 * library refusing these as well, before our own checks).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcError } from '../../src/oidc/errors.js';
import { deviceLogin, discover, type OidcIO, refreshGrant, revokeToken } from '../../src/oidc/index.js';
import { AUDIENCE, approveDevice, CLIENT_ID, startProvider, type TestProvider } from '../helpers/oidc-provider.js';

let idp: TestProvider;
beforeAll(async () => {
  idp = await startProvider();
});
afterAll(() => idp?.close());

interface Told extends OidcIO {
  told: string[];
  secrets: string[];
}

/** An OidcIO that approves a device login as soon as it is told the code. */
function io(o: { approve?: string } = {}): Told {
  const told: string[] = [];
  const secrets: string[] = [];
  return {
    told,
    secrets,
    notify(text) {
      told.push(text);
      const uri = /\(or open (\S+), which carries the code\)/.exec(text)?.[1];
      if (uri && o.approve) void approveDevice(uri, o.approve);
    },
    onSecret: (s) => secrets.push(s),
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    now: () => Date.now(),
    env: {},
  };
}

const claimsOfJwt = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

const req = (extraScopes: string[] = []) => ({ issuer: idp.issuer, clientId: CLIENT_ID, extraScopes });

async function failure(p: Promise<unknown>): Promise<OidcError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(OidcError);
  return e as OidcError;
}

describe('openid-client refuses a bad ID token itself (pinned)', () => {
  async function poll(tamper: TestProvider['tamper']): Promise<unknown> {
    const config = await client.discovery(new URL(idp.issuer), CLIENT_ID, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    idp.tamper = tamper;
    try {
      await approveDevice(started.verification_uri_complete!, 'pin');
      return await client.pollDeviceAuthorizationGrant(config, started).then(
        () => 'accepted',
        (e: unknown) => e,
      );
    } finally {
      idp.tamper = undefined;
    }
  }

  it('an expired one', async () => {
    const e = (await poll((c) => ({ ...c, exp: (c.iat as number) - 3600 }))) as client.ClientError;
    expect(e.code).toBe('OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  });

  it('one for another audience', async () => {
    const e = (await poll((c) => ({ ...c, aud: 'another-client' }))) as client.ClientError;
    expect(e.code).toBe('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
  });
});

describe('the device login', () => {
  it('shows the code, and once approved gives the tokens, the identity and the endpoints', async () => {
    const t = io({ approve: 'bob' });
    const login = await deviceLogin(req(['email', 'groups']), t);
    expect(t.told[0]).toMatch(
      /^To log in, open http:\/\/127\.0\.0\.1:\d+\/device in a browser on any device and enter the code\n {2}\w{4}-\w{4}\n/,
    );
    expect(login).toMatchObject({
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      subject: 'bob',
      email: 'bob@example.com',
      tokenEndpoint: `${idp.issuer}/token`,
      revocationEndpoint: `${idp.issuer}/token/revocation`,
    });
    expect(login.refreshToken).toBeTruthy();
    // expires_in (1 h), or the token's own exp when that is earlier (it counts from the provider's whole second).
    const lifetime = login.accessExpiresAt - login.obtainedAt;
    expect(lifetime).toBeLessThanOrEqual(3_600_000);
    expect(lifetime).toBeGreaterThan(3_598_000);
    expect(login.accessExpiresAt).toBeLessThanOrEqual(claimsOfJwt(login.accessToken).exp * 1000);
    // The access token is the provider's JWT for Feldera's audience.
    const claims = claimsOfJwt(login.accessToken);
    expect(claims).toMatchObject({ aud: AUDIENCE, iss: idp.issuer, sub: 'bob' });
    // openid, the extras, offline_access (offered): asked for in that order.
    expect(idp.stats.scopes.at(-1)).toBe('openid email groups offline_access');
    // Every token was handed over for scrubbing.
    expect(t.secrets).toEqual(expect.arrayContaining([login.accessToken, login.refreshToken]));
    expect(t.secrets).toHaveLength(3); // the ID token too
  });

  it('an expired ID token is refused, saying when it expired', async () => {
    idp.tamper = (c) => ({ ...c, exp: (c.iat as number) - 3600 });
    try {
      const e = await failure(deviceLogin(req(), io({ approve: 'carol' })));
      expect(e.message).toMatch(
        /^the identity provider's ID token was refused: it expired at \S+Z \(the time here is \S+Z\)$/,
      );
      expect(e.kind).toBe('id-token');
    } finally {
      idp.tamper = undefined;
    }
  });

  it('an ID token for another audience is refused', async () => {
    idp.tamper = (c) => ({ ...c, aud: 'another-client' });
    try {
      const e = await failure(deviceLogin(req(), io({ approve: 'carol' })));
      expect(e.message).toBe(
        "the identity provider's ID token was refused: its audience (aud) is another-client, expected feldera",
      );
    } finally {
      idp.tamper = undefined;
    }
  });

  it('Ctrl-C while waiting for the approval: cancelled, exit 130', async () => {
    const ac = new AbortController();
    const t = { ...io(), signal: ac.signal, notify: () => ac.abort() };
    const e = await failure(deviceLogin(req(), t));
    expect(e.exitCode).toBe(130);
    expect(e.message).toBe('login cancelled; nothing was saved');
  });
});

describe('refresh and revocation', () => {
  it('a refresh rotates the refresh token; the old one is then refused, with the command to log in again', async () => {
    const login = await deviceLogin(req(), io({ approve: 'dave' }));
    const before = idp.stats.refreshes;
    const stored = { ...login, refreshToken: login.refreshToken! };
    const fresh = await refreshGrant(stored, '`cluster login --oidc --profile p`', io());
    expect(idp.stats.refreshes).toBe(before + 1);
    expect(fresh.refreshToken).toBeTruthy();
    expect(fresh.refreshToken).not.toBe(login.refreshToken);
    expect(fresh.accessToken).not.toBe(login.accessToken);
    const e = await failure(refreshGrant(stored, '`cluster login --oidc --profile p`', io()));
    expect(e.kind).toBe('oidc-refused');
    expect(e.message).toBe(
      'the identity provider refused to renew the login (invalid_grant: grant request is invalid)',
    );
    expect(e.hint).toBe('the login has expired or was revoked; log in again: `cluster login --oidc --profile p`');
  });

  it('a revoked refresh token cannot be used', async () => {
    const login = await deviceLogin(req(), io({ approve: 'erin' }));
    await revokeToken(
      { ...login, revocationEndpoint: login.revocationEndpoint! },
      login.refreshToken!,
      'refresh_token',
      io(),
    );
    const e = await failure(refreshGrant({ ...login, refreshToken: login.refreshToken! }, '`x`', io()));
    expect(e.kind).toBe('oidc-refused');
  });

  it('an unreachable provider is one line that names it', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const issuer = `http://127.0.0.1:${port}`;
    const e = await failure(
      refreshGrant(
        { issuer, clientId: 'c', tokenEndpoint: `${issuer}/token`, refreshToken: 'r', subject: 's' },
        '`x`',
        io(),
      ),
    );
    expect(e.message).toBe(
      `refreshing the access token: cannot reach the identity provider at ${issuer} (connection refused)`,
    );
  });
});

describe('discovery', () => {
  it('plain http only on loopback', async () => {
    const e = await failure(discover('http://idp.example.com', 'c', io()));
    expect(e.message).toBe('refusing to log in through http://idp.example.com: an identity provider must use https');
  });

  it('a provider without the device grant says so, and what to do instead', async () => {
    const other = await startProvider({ deviceFlow: false });
    try {
      const e = await failure(deviceLogin({ issuer: other.issuer, clientId: CLIENT_ID, extraScopes: [] }, io()));
      expect(e.message).toBe(`the identity provider at ${other.issuer} does not offer the device authorization grant`);
      expect(e.hint).toMatch(/cluster login --oidc/);
    } finally {
      await other.close();
    }
  });
});
