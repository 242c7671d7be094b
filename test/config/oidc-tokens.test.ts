/**
 * Refreshing an OIDC login's access token: only when it is about to expire (an injected clock says
 * when), once per process, under the config lock — a second process finds what the first stored —
 * and a refused refresh says to log in again, with the command. Against a real provider.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFresh, type OidcCredential, refreshMarginMs } from '../../src/api/auth.js';
import { storedOidcOf } from '../../src/commands/login.js';
import { credentialOf } from '../../src/config/connection.js';
import { oidcTokenSource } from '../../src/config/oidc-tokens.js';
import { type ConfigData, type StoredOidc, updateConfig } from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';
import { deviceLogin } from '../../src/oidc/index.js';
import { manualClock } from '../../src/simulator/clock.js';
import { tempConfigDir } from '../helpers/cli.js';
import { approveDevice, CLIENT_ID, startProvider, type TestProvider } from '../helpers/oidc-provider.js';

let idp: TestProvider;
beforeAll(async () => {
  idp = await startProvider();
  idp.ttl.code = 60;
});
afterAll(() => idp?.close());

/** A profile `p` logged in (device grant) as `who`, in a fresh config folder. */
async function loggedIn(who: string): Promise<{ env: Record<string, string>; auth: StoredOidc }> {
  const login = await deviceLogin(
    { issuer: idp.issuer, clientId: CLIENT_ID, extraScopes: [] },
    {
      notify: (text) => void approveDevice(/\(or open (\S+),/.exec(text)![1]!, who),
      onSecret: () => undefined,
      signal: new AbortController().signal,
      timeoutMs: 10_000,
      now: () => Date.now(),
      env: {},
    },
  );
  const auth = storedOidcOf(login, { device: true, browser: true, callbackPort: 0 });
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  await updateConfig(env, () => ({ current: 'p', profiles: { p: { host: 'http://127.0.0.1:1', auth } } }));
  return { env, auth };
}

const stored = (env: Record<string, string>) =>
  (JSON.parse(readFileSync(join(env.CLUSTER_CONFIG_DIR!, 'config.json'), 'utf8')) as ConfigData).profiles.p!
    .auth as StoredOidc;

function source(env: Record<string, string>, start: number) {
  const clock = manualClock(start);
  const secrets: string[] = [];
  const trace: string[] = [];
  const tokens = oidcTokenSource({
    env,
    clock: { now: clock.now, sleep: async () => undefined },
    onSecret: (s) => secrets.push(s),
    trace: (l) => trace.push(l),
    timeoutMs: () => 10_000,
    signal: new AbortController().signal,
  });
  return { clock, tokens, secrets, trace };
}

const credential = (auth: StoredOidc) => credentialOf(auth, 'p') as OidcCredential;

describe('when an access token is refreshed', () => {
  it('30 s before it expires, or half its lifetime when that is shorter', () => {
    const t = { obtainedAt: 0, expiresAt: 3_600_000 };
    expect(refreshMarginMs(t)).toBe(30_000);
    expect(isFresh(t, 3_600_000 - 30_001)).toBe(true);
    expect(isFresh(t, 3_600_000 - 30_000)).toBe(false);
    expect(refreshMarginMs({ obtainedAt: 0, expiresAt: 4_000 })).toBe(2_000);
  });
});

describe('the token source of a process', () => {
  it('uses the stored token while fresh; refreshes once when it is about to expire, and stores the new tokens', async () => {
    const { env, auth } = await loggedIn('alice');
    const c = credential(auth);
    const s = source(env, c.obtainedAt);
    const before = idp.stats.refreshes;
    expect(await s.tokens(c)).toBe(auth.accessToken);
    expect(idp.stats.refreshes).toBe(before);

    s.clock.set(c.expiresAt - 10_000); // inside the 30 s margin
    const [a, b, d] = await Promise.all([s.tokens(c), s.tokens(c), s.tokens(c)]);
    expect(idp.stats.refreshes).toBe(before + 1);
    expect(a).not.toBe(auth.accessToken);
    expect(b).toBe(a);
    expect(d).toBe(a);
    const now = stored(env);
    expect(now.accessToken).toBe(a);
    expect(now.refreshToken).not.toBe(auth.refreshToken); // rotated, and kept
    // The provider's lifetime for refreshed tokens (1 h), not the 60 s of a login's.
    expect(Date.parse(now.expiresAt) - Date.parse(now.obtainedAt)).toBeGreaterThan(60_000);
    expect(s.secrets).toEqual(expect.arrayContaining([a, now.refreshToken]));
    expect(s.trace.join('\n')).toMatch(
      /refreshing the access token of profile "p" at http:\/\/127\.0\.0\.1:\d+\/token/,
    );
    // Fresh again: no other refresh in this process.
    expect(await s.tokens(c)).toBe(a);
    expect(idp.stats.refreshes).toBe(before + 1);
  });

  it('a second process finds the token the first one stored, under the lock, and spends nothing', async () => {
    const { env, auth } = await loggedIn('bob');
    const c = credential(auth);
    const late = c.expiresAt + 1_000;
    const first = source(env, late);
    const second = source(env, late);
    const before = idp.stats.refreshes;
    const token = await first.tokens(c);
    expect(await second.tokens(c)).toBe(token);
    expect(idp.stats.refreshes).toBe(before + 1);
    expect(second.trace.join('\n')).toMatch(/refreshed by another cluster process/);
  });

  it('a token the server refused is replaced even though it looks fresh', async () => {
    const { env, auth } = await loggedIn('carol');
    const c = credential(auth);
    const s = source(env, c.obtainedAt);
    const before = idp.stats.refreshes;
    const next = await s.tokens(c, { rejected: auth.accessToken });
    expect(next).not.toBe(auth.accessToken);
    expect(idp.stats.refreshes).toBe(before + 1);
  });

  it('a refused refresh says to log in again, with the command that logs this profile in', async () => {
    const { env, auth } = await loggedIn('dave');
    const c = credential(auth);
    await source(env, c.expiresAt).tokens(c); // spends the refresh token stored at login…
    await updateConfig(env, (d) => ({ ...d, profiles: { p: { ...d.profiles.p!, auth } } })); // …which is put back
    const e = await source(env, c.expiresAt)
      .tokens(c)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).message).toBe(
      'the identity provider refused to renew the login (invalid_grant: grant request is invalid)',
    );
    expect((e as CliError).hint).toBe(
      'the login has expired or was revoked; log in again: `cluster login --oidc --profile p --device`',
    );
    expect((e as CliError).exitCode).toBe(1);
  });

  it('a login without a refresh token, expired: log in again', async () => {
    const { env, auth } = await loggedIn('erin');
    const { refreshToken: _, ...without } = auth;
    await updateConfig(env, (d) => ({ ...d, profiles: { p: { ...d.profiles.p!, auth: without } } }));
    const c = credential(without);
    const e = (await source(env, c.expiresAt)
      .tokens(c)
      .catch((x: unknown) => x)) as CliError;
    expect(e.message).toBe('the OIDC login of profile "p" has expired (the identity provider gave no refresh token)');
    expect(e.hint).toBe('log in again: `cluster login --oidc --profile p --device`');
  });

  it('a profile logged out meanwhile is said as such', async () => {
    const { env, auth } = await loggedIn('frank');
    await updateConfig(env, () => ({ profiles: {} }));
    const c = credential(auth);
    const e = (await source(env, c.expiresAt)
      .tokens(c)
      .catch((x: unknown) => x)) as CliError;
    expect(e.message).toBe('the OIDC login of profile "p" was removed or replaced by another cluster process');
  });
});
