/**
 * `cluster login --oidc` end to end, as a person does it: the built binary, a real OpenID Provider
 * (oidc-provider, in this process, on 127.0.0.1), `cluster simulate --oidc-issuer` standing in for
 * Feldera (checking the provider's JWTs, with no leeway so an expired token is refused at once),
 * and for the browser login a real headless Chromium (Debian's, driven by playwright-core) that
 * fills the provider's login and consent pages. The device login is approved by the test at the
 * provider's pages. Nothing leaves 127.0.0.1.
 *
 * Token expiry is never a matter of timing: the provider issues 2 s access tokens at login and 1 h
 * ones on refresh, and the tests wait for the condition (the stored token's `exp` has passed), then
 * count the refresh grants the provider saw.
 *
 * Without Chromium the browser tests are skipped, and say so — except in CI (CI=true), where
 * `.ci/run` installs it and its absence is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inCI, launchChromiumWithProfile, skippedBecause } from '../helpers/chromium.js';
import { BIN, type CliResult, cleanEnv, runCli, startCli, tempConfigDir } from '../helpers/cli.js';
import { AUDIENCE, approveDevice, CLIENT_ID, startProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { closedPort } from '../helpers/sim.js';
import { stopped } from '../helpers/wait.js';

const SKIPPED = skippedBecause('the OIDC browser-login tests');
if (!hasChromium && !inCI) console.warn(SKIPPED);

let idp: TestProvider;
let sim: ChildProcess;
let url: string;
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  idp = await startProvider();
  idp.ttl.code = 2; // access tokens from a login: 2 s; from a refresh: 1 h
  const s = startCli(['simulate', '--port', '0', '--seed', '1', '--oidc-issuer', idp.issuer, '--jwt-leeway', '0']);
  sim = s.child;
  url = (await s.firstLine).trim();
});
afterAll(async () => {
  await Promise.all([...children, sim].map((c) => c && stopped(c)));
  await idp?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Stored {
  kind: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: string;
  subject: string;
  email?: string;
  [k: string]: unknown;
}

const configOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const authOf = (dir: string, profile = 'default'): Stored => configOf(dir).profiles[profile].auth;
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
const env = (dir: string, extra: Record<string, string> = {}) => ({ CLUSTER_CONFIG_DIR: dir, NO_COLOR: '1', ...extra });

/** Until `exp` of this token has passed by the provider's and the simulator's clock (whole seconds). */
async function untilExpired(jwt: string): Promise<void> {
  const { exp } = claimsOf(jwt);
  while (Math.floor(Date.now() / 1000) <= exp) await new Promise((r) => setTimeout(r, 100));
}

/** No token of these appears in any of the outputs. */
function expectNoTokens(outputs: CliResult[], tokens: (string | undefined)[]): void {
  const text = outputs.map((r) => r.stdout + r.stderr).join('\n');
  for (const t of tokens.filter((x): x is string => Boolean(x))) {
    expect(text).not.toContain(t);
    expect(text).not.toContain(t.slice(10, 30)); // nor a piece of it
  }
}

/** A `cluster login` in the background, whose stderr can be waited on. */
function startLogin(args: string[], dir: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'login', ...args], {
    env: cleanEnv(env(dir, extra)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const w of waiters.splice(0)) w();
  });
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  /** The first match of `re` in stderr, once it appears. */
  async function waitFor(re: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const m = re.exec(stderr);
      if (m) return m;
      if (child.exitCode !== null) throw new Error(`login exited (${child.exitCode}) before ${re}: ${stderr}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  }
  return { child, done, waitFor };
}

/** `cluster login --oidc --device`, approved at the provider's pages as `who`. */
async function deviceLogin(dir: string, who: string, args: string[] = []): Promise<CliResult> {
  const login = startLogin(['--oidc', '--device', '--host', url, ...args], dir);
  const m = await login.waitFor(/\(or open (\S+), which carries the code\)/);
  await approveDevice(m[1]!, who);
  return login.done;
}

describe('device login, refresh, logout (no browser)', () => {
  it('logs in with a code, stores the tokens 0600, and reads events with them', async () => {
    const dir = tempConfigDir();
    const r = await deviceLogin(dir, 'dora', ['--verbose']);
    expect(r.stderr).toMatch(/\* POST http:\/\/127\.0\.0\.1:\d+\/token → 200/); // traced, without the tokens (below)
    expect(r.stderr).toMatch(
      /To log in, open http:\/\/127\.0\.0\.1:\d+\/device in a browser on any device and enter the code\n {2}\w{4}-\w{4}\n/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${url} as profile "default" (now the current profile).`);
    expect(r.stdout).toMatch(
      / {2}auth {4}OIDC login dora\n {2}subject dora\n {2}issuer {2}http:\/\/127\.0\.0\.1:\d+ \(client feldera\)\n/,
    );
    const auth = authOf(dir);
    expect(auth).toMatchObject({
      kind: 'oidc',
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      subject: 'dora',
      device: true,
    });
    expect(claimsOf(auth.accessToken)).toMatchObject({ aud: AUDIENCE, sub: 'dora' });
    expect(auth.refreshToken).toBeTruthy();
    expect(JSON.stringify(configOf(dir))).not.toMatch(/id_?token/i); // the ID token is not kept
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    const get = await runCli(['event', 'get', 'latest', '--json'], { env: env(dir) });
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout).all_healthy).toBe(true);
    expectNoTokens([r, get], [auth.accessToken, auth.refreshToken]);
  });

  it('two commands started together after expiry spend the rotating refresh token once, and both read', async () => {
    const dir = tempConfigDir();
    expect((await deviceLogin(dir, 'rita')).code).toBe(0);
    const before = authOf(dir);
    await untilExpired(before.accessToken);
    const refreshes = idp.stats.refreshes;
    const errors = idp.stats.grantErrors.length;
    const [a, b] = await Promise.all([
      runCli(['event', 'get', 'latest', '--verbose'], { env: env(dir) }),
      runCli(['event', 'get', 'latest', '--verbose'], { env: env(dir) }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(idp.stats.refreshes).toBe(refreshes + 1);
    expect(idp.stats.grantErrors.slice(errors)).toEqual([]); // no reuse of a spent refresh token
    // One of them refreshed; the other found the new token (under the lock, or already stored when it started).
    const traces = [a.stderr, b.stderr];
    expect(traces.filter((t) => /refreshing the access token of profile "default"/.test(t))).toHaveLength(1);
    const after = authOf(dir);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expectNoTokens([a, b], [before.accessToken, before.refreshToken, after.accessToken, after.refreshToken]);
  });

  it('logout revokes the refresh token at the provider and removes the profile', async () => {
    const dir = tempConfigDir();
    expect((await deviceLogin(dir, 'lou')).code).toBe(0);
    const { refreshToken } = authOf(dir);
    const out = await runCli(['logout'], { env: env(dir) });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Removed profile "default"');
    expect(out.stdout).toContain(`Revoked the refresh token of profile "default" at ${idp.issuer}.`);
    expect(configOf(dir).profiles).toEqual({});
    // The provider no longer takes it.
    const config = new client.Configuration({ issuer: idp.issuer, token_endpoint: `${idp.issuer}/token` }, CLIENT_ID);
    client.allowInsecureRequests(config);
    const e = await client.refreshTokenGrant(config, refreshToken!).catch((x: { error?: string }) => x);
    expect((e as { error?: string }).error).toBe('invalid_grant');
  });

  it('an expired ID token is refused, and nothing is stored', async () => {
    const dir = tempConfigDir();
    idp.tamper = (c) => ({ ...c, exp: (c.iat as number) - 3600 });
    try {
      const r = await deviceLogin(dir, 'old');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /error: the identity provider's ID token was refused: it expired at \S+Z \(the time here is \S+Z\)\nhint: nothing was saved/,
      );
      expect(r.stderr).not.toMatch(/\n {4}at /); // no stack trace
      expect(existsSync(join(dir, 'config.json'))).toBe(false);
    } finally {
      idp.tamper = undefined;
    }
  });

  it('an ID token for another client is refused, and nothing is stored', async () => {
    const dir = tempConfigDir();
    idp.tamper = (c) => ({ ...c, aud: 'someone-else' });
    try {
      const r = await deviceLogin(dir, 'eve');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "error: the identity provider's ID token was refused: its audience (aud) is someone-else, expected feldera",
      );
      expect(existsSync(join(dir, 'config.json'))).toBe(false);
    } finally {
      idp.tamper = undefined;
    }
  });

  it('an access token for another audience is refused by the instance: nothing stored, the refresh token revoked', async () => {
    const other = startCli(['simulate', '--port', '0', '--oidc-issuer', idp.issuer, '--audience', 'other-api']);
    children.push(other.child);
    const otherUrl = (await other.firstLine).trim();
    const dir = tempConfigDir();
    const revoked = idp.stats.grantsRevoked;
    const login = startLogin(['--oidc', '--device', '--host', otherUrl], dir);
    await approveDevice((await login.waitFor(/\(or open (\S+), which carries the code\)/))[1]!, 'ann');
    const r = await login.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: login failed: .* rejected the identity provider's access token \(.*InvalidAudience.*\)/,
    );
    expect(r.stderr).toMatch(/hint: the instance may expect another audience/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    expect(idp.stats.grantsRevoked).toBe(revoked + 1);
    other.child.kill('SIGTERM');
  });

  it('Ctrl-C while waiting for the browser: exit 130, the loopback server closed, nothing stored', async () => {
    const dir = tempConfigDir();
    const login = startLogin(['--oidc', '--no-browser', '--host', url], dir);
    const m = await login.waitFor(/Waiting for the browser to come back to (http:\/\/127\.0\.0\.1:\d+\/callback)/);
    login.child.kill('SIGINT');
    const r = await login.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('error: login cancelled; nothing was saved');
    const refused = await fetch(m[1]!).then(
      () => 'answered',
      (e: { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });
});

describe.skipIf(!hasChromium && !inCI)('browser login in a real Chromium', () => {
  let browser: import('playwright-core').BrowserContext;
  const profile = mkdtempSync(join(tmpdir(), 'cluster-chromium-'));
  dirs.push(profile);

  beforeAll(async () => {
    browser = await launchChromiumWithProfile(profile);
  }, 60_000);
  afterAll(() => browser?.close());

  /** Sign in as `who` at the provider's pages, consent, and return what our callback page said. */
  async function signIn(loginUrl: string, who: string): Promise<string> {
    await browser.clearCookies(); // no session at the provider from an earlier test: a new sign-in
    const page = await browser.newPage();
    try {
      await page.goto(loginUrl);
      await page.fill('input[name=login]', who);
      await page.fill('input[name=password]', 'any password');
      await page.click('button[type=submit]');
      await page.waitForSelector('text=Authorize');
      await page.click('button[type=submit]');
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
      return `${await page.title()}: ${await page.textContent('body')}`;
    } finally {
      await page.close();
    }
  }

  it('PKCE login in the browser, events with the stored token, a refresh after it expires', async () => {
    const dir = tempConfigDir();
    const login = startLogin(['--oidc', '--no-browser', '--host', url], dir);
    const m = await login.waitFor(/Open this URL in a browser on this machine:\n {2}(\S+)\n/);
    const authUrl = new URL(m[1]!);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authUrl.searchParams.get('scope')).toBe('openid offline_access');
    expect(authUrl.searchParams.get('prompt')).toBe('consent');
    expect(authUrl.searchParams.get('state')).toBeTruthy();
    expect(authUrl.searchParams.get('nonce')).toBeTruthy();
    expect(await signIn(authUrl.href, 'alice')).toMatch(/^cluster: Logged in: .*Logged in as alice\./s);
    const r = await login.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${url} as profile "default"`);
    const first = authOf(dir);
    expect(first).toMatchObject({ kind: 'oidc', subject: 'alice' });
    expect(first.device).toBeUndefined();

    const refreshes = idp.stats.refreshes;
    const now = await runCli(['event', 'get', 'latest'], { env: env(dir) });
    expect(now.code).toBe(0);

    // After the access token expired: the instance refuses it, the next command refreshes first.
    await untilExpired(first.accessToken);
    const old = await fetch(`${url}/v0/cluster/events/latest`, {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toBe('Bearer error_description="ExpiredSignature"');
    const later = await runCli(['event', 'get', 'latest', '--verbose'], { env: env(dir) });
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/verdict: healthy/);
    const second = authOf(dir);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // One refresh in all (the first command may have made it, on a slow machine), and none since.
    expect(idp.stats.refreshes).toBe(refreshes + 1);
    const again = await runCli(['event', 'get', 'latest'], { env: env(dir) });
    expect(again.code).toBe(0);
    expect(idp.stats.refreshes).toBe(refreshes + 1);

    const status = await runCli(['auth', 'status'], { env: env(dir) });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Identity +alice$/m);
    expect(status.stdout).toMatch(new RegExp(`^Issuer +${idp.issuer} \\(client feldera\\)$`, 'm'));
    expect(status.stdout).toMatch(/^Expires +access token \S+Z, then renewed with the stored refresh token$/m);
    expect(status.stdout).toMatch(/^Auth +on \(GenericOidc\), credential accepted$/m);
    const json = JSON.parse((await runCli(['auth', 'status', '--json'], { env: env(dir) })).stdout);
    expect(json.oidc).toMatchObject({
      subject: 'alice',
      issuer: idp.issuer,
      client_id: 'feldera',
      refresh_token: true,
    });
    expectNoTokens(
      [r, now, later, again, status],
      [first.accessToken, first.refreshToken, second.accessToken, second.refreshToken],
    );
  }, 60_000);

  it('cancelled at the provider: one line, a hint, exit 1, the tab says so, nothing stored', async () => {
    const dir = tempConfigDir();
    const login = startLogin(['--oidc', '--no-browser', '--host', url], dir);
    const m = await login.waitFor(/Open this URL in a browser on this machine:\n {2}(\S+)\n/);
    await browser.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(m[1]!);
      await page.click('text=[ Cancel ]');
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
      expect(await page.title()).toBe('cluster: Login failed');
    } finally {
      await page.close();
    }
    const r = await login.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\nerror: the login: the identity provider answered access_denied: .+\nhint: the login was refused or cancelled at the identity provider; run the command again to retry\n$/,
    );
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  }, 60_000);

  it('opens the browser through $BROWSER; --client-id and --callback-port are used', async () => {
    const dir = tempConfigDir();
    const script = join(dir, 'browser.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > "${dir}/opened"\n`);
    chmodSync(script, 0o755);
    const port = await closedPort();
    const login = startLogin(
      ['--oidc', '--host', url, '--client-id', CLIENT_ID, '--callback-port', String(port), '--profile', 'web'],
      dir,
      { BROWSER: script },
    );
    await login.waitFor(/Opened the browser to log in/);
    let opened = '';
    while (!opened) {
      opened = existsSync(join(dir, 'opened')) ? readFileSync(join(dir, 'opened'), 'utf8') : '';
      if (!opened) await new Promise((r) => setTimeout(r, 50));
    }
    expect(new URL(opened).searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/callback`);
    expect(await signIn(opened, 'bea')).toMatch(/Logged in as bea\./);
    const r = await login.done;
    expect(r.code).toBe(0);
    expect(authOf(dir, 'web')).toMatchObject({ subject: 'bea', clientId: CLIENT_ID, clientIdFlag: true });
  }, 60_000);
});

if (!hasChromium && !inCI) {
  describe('browser login in a real Chromium', () => {
    it.skip(SKIPPED, () => undefined);
  });
}
