import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthStatusReport, newCmdStatus } from '../../../src/commands/auth/status.js';
import type { GlobalFlags } from '../../../src/config/connection.js';
import { type ConfigData, configPath } from '../../../src/config/profiles.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, runOrThrow } from '../../helpers/command.js';
import { fakeServer } from '../../helpers/fake-server.js';
import { bufferIO } from '../../helpers/io.js';
import '../../helpers/test-names.cjs';

const KEY = `apikey:AbCd${'s'.repeat(120)}wxyz`;
let sim: Simulator;
let open: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: KEY, seed: 3 });
  open = await startSimulator({ port: 0, seed: 4 });
});
afterAll(async () => {
  await sim.close();
  await open.close();
});

function setup(cfg: ConfigData, env: Record<string, string> = {}, flags: GlobalFlags & { json?: boolean } = {}) {
  const dir = tempConfigDir();
  const fullEnv = { CLUSTER_CONFIG_DIR: dir, ...env };
  writeFileSync(configPath(fullEnv), JSON.stringify(cfg));
  const io = bufferIO({ env: fullEnv });
  return { io, go: () => runOrThrow(newCmdStatus, argvOf({ retries: '0', ...flags }), { io }) };
}

const withKey = (host: string): ConfigData => ({
  current: 'prod',
  profiles: { prod: { host, auth: { kind: 'apikey', apiKey: KEY } } },
});

describe('auth status', () => {
  it('a working profile: sources, version, auth on, session; exit 0; key masked', async () => {
    const t = setup(withKey(sim.url));
    expect(await t.go()).toBe(0);
    const out = t.io.out();
    expect(out).toMatch(/^Profile +prod +\(current profile\)$/m);
    expect(out).toMatch(new RegExp(`^Host +${sim.url.replace(/\./g, '\\.')} +\\(profile "prod"\\)$`, 'm'));
    expect(out).toMatch(/^Credential +api key apikey:AbCd…wxyz +\(profile "prod"\)$/m);
    expect(out).toMatch(/^Timeout +10 s +\(default\)$/m);
    expect(out).toMatch(/^Retries +0 +\(--retries\)$/m);
    expect(out).toMatch(/^Server +reachable, Feldera \S+ \(Open source\)$/m);
    expect(out).toMatch(/^Auth +on \(GenericOidc\), credential accepted$/m);
    expect(out).toMatch(/^Session +tenant default \(\S+\), role admin$/m);
    expect(out).toMatch(/^TLS +none: plain http$/m); // the simulator speaks http: nothing to verify
    expect(out + t.io.err()).not.toContain(KEY);
    expect(t.io.err()).toBe('');
  });

  it('--json: the same, machine-readable, masked', async () => {
    const t = setup(withKey(sim.url), { FELDERA_TENANT: 'acme' }, { json: true });
    expect(await t.go()).toBe(0);
    const r = JSON.parse(t.io.out()) as AuthStatusReport;
    expect(r.ok).toBe(true);
    expect(r.host).toEqual({ value: sim.url, source: 'profile', from: 'profile "prod"' });
    expect(r.credential).toMatchObject({ kind: 'apikey', value: 'api key apikey:AbCd…wxyz', source: 'profile' });
    expect(r.tenant).toEqual({ value: 'acme', source: 'env', from: 'FELDERA_TENANT' });
    expect(r.retries).toEqual({ value: 0, source: 'flag', from: '--retries' });
    expect(r.server).toMatchObject({
      reachable: true,
      authentication: 'on',
      provider: 'GenericOidc',
      authorised: true,
      edition: 'Open source',
    });
    expect(r.session).toMatchObject({ role: 'admin', tenant_name: 'default' });
    expect(r.error).toBeNull();
    expect(t.io.out()).not.toContain(KEY);
  });

  it('a key from FELDERA_API_KEY is reported as env', async () => {
    const t = setup({ profiles: {} }, { FELDERA_API_KEY: KEY, FELDERA_HOST: sim.url }, { json: true });
    expect(await t.go()).toBe(0);
    const r = JSON.parse(t.io.out()) as AuthStatusReport;
    expect(r.credential.from).toBe('FELDERA_API_KEY');
    expect(r.host.from).toBe('FELDERA_HOST');
    expect(r.profile.value).toBeNull();
  });

  it('unauthorised (no credential on an instance with auth on): exit 1, says so', async () => {
    const t = setup({ profiles: {} }, {}, { host: sim.url });
    expect(await t.go()).toBe(1);
    expect(t.io.out()).toMatch(/^Credential +none +\(default\)$/m);
    expect(t.io.out()).toMatch(/^Auth +on \(GenericOidc\), no credential sent$/m);
    expect(t.io.err()).toContain('error: not authorised');
    expect(t.io.err()).toContain('hint: this instance needs a credential: run `cluster login`');
  });

  it('a wrong key: exit 1; JSON has authorised false and the error', async () => {
    const t = setup(withKey(sim.url), { FELDERA_API_KEY: `apikey:${'n'.repeat(40)}` }, { json: true });
    expect(await t.go()).toBe(1);
    const r = JSON.parse(t.io.out()) as AuthStatusReport;
    expect(r.server.authorised).toBe(false);
    expect(r.error?.kind).toBe('unauthorized');
    expect(r.error?.hint).toContain('FELDERA_API_KEY');
  });

  it('--host other than the profile: its credential is withheld and the report says why', async () => {
    const t = setup(withKey(sim.url), {}, { host: open.url });
    expect(await t.go()).toBe(0);
    const out = t.io.out();
    expect(out).toMatch(/^Credential +none$/m);
    expect(out).toContain(`not sent: the credential of profile "prod" belongs to ${sim.url}, not ${open.url}`);
    expect(out).toMatch(/^Auth +off: no credential needed$/m);
  });

  it('auth off and a key given: says nothing was checked rather than "accepted"', async () => {
    const t = setup({ profiles: {} }, { FELDERA_API_KEY: KEY }, { host: open.url });
    expect(await t.go()).toBe(0);
    expect(t.io.out()).toMatch(/^Credential +api key apikey:AbCd…wxyz +\(FELDERA_API_KEY\)$/m);
    expect(t.io.out()).toMatch(/^Auth +off: no credential needed \(the one given is not checked\)$/m);
    expect(t.io.out()).not.toContain('accepted');
  });

  it('a token command holding its token: padded as shown (masked), so the sources line up', async () => {
    const token = 'tok-0123456789abcdefghij';
    const dir = tempConfigDir();
    const env = { CLUSTER_CONFIG_DIR: dir, FELDERA_AUTH_TOKEN_COMMAND: `printf %s ${token}` };
    writeFileSync(configPath(env), JSON.stringify({ profiles: {} }));
    const io = bufferIO({ env });
    const code = await runOrThrow(newCmdStatus, argvOf({ retries: '0', host: open.url }), {
      io,
      runTokenCommand: async () => token,
    });
    expect(code).toBe(0);
    const out = io.out();
    expect(out).not.toContain(token);
    expect(out).toMatch(/^Credential +token command `printf %s tok-…ghij` +\(FELDERA_AUTH_TOKEN_COMMAND\)$/m);
    // Every "(source)" column starts at the same place.
    const starts = out
      .split('\n')
      .filter((l) => /\((--|FELDERA_|default)/.test(l))
      .map((l) => l.search(/\((--|FELDERA_|default)/));
    expect(starts.length).toBeGreaterThanOrEqual(5);
    expect(new Set(starts).size).toBe(1);
  });

  it('unreachable: exit 1, "unreachable", the reason on stderr', async () => {
    const f = await fakeServer(() => ({ status: 200, json: {} }));
    const url = f.url;
    await f.close();
    const t = setup({ profiles: {} }, {}, { host: url });
    expect(await t.go()).toBe(1);
    expect(t.io.out()).toMatch(/^Server +unreachable$/m);
    expect(t.io.err()).toContain(`error: cannot reach ${url}: connection refused`);
  });

  it('an http host that is not loopback with a key: reachable, but the key is not sent; exit 1', async () => {
    // A host NAME that is not a loopback name, resolved to 127.0.0.1 by test-names.cjs.
    const f = await fakeServer(() => ({ status: 200, json: {} }));
    try {
      const t = setup(
        { profiles: {} },
        { FELDERA_API_KEY: KEY },
        { host: f.url.replace('127.0.0.1', 'feldera.test'), json: true },
      );
      expect(await t.go()).toBe(1);
      const r = JSON.parse(t.io.out()) as AuthStatusReport;
      expect(r.server.reachable).toBe(true);
      expect(r.error?.kind).toBe('insecure-credential');
      expect(r.error?.message).toContain('refusing to send a bearer credential in clear text');
      expect(f.seen.every((s) => s.headers.authorization === undefined)).toBe(true);
    } finally {
      await f.close();
    }
  });

  it('an older server without /v0/config/session still passes', async () => {
    const f = await fakeServer((req) => {
      if (req.url === '/config/authentication') return { status: 200, json: {} };
      if (req.url === '/v0/config') return { status: 200, json: { edition: 'Open source', version: '0.100.0' } };
      return { status: 404, body: '' };
    });
    try {
      const t = setup({ profiles: {} }, {}, { host: f.url, json: true });
      expect(await t.go()).toBe(0);
      const r = JSON.parse(t.io.out()) as AuthStatusReport;
      expect(r.session).toBeNull();
      expect(r.server.version).toBe('0.100.0');
    } finally {
      await f.close();
    }
  });

  it('nothing configured: default host and the configuration hint', async () => {
    const t = setup({ profiles: {} }, { FELDERA_REQUEST_TIMEOUT: '1' }, {});
    // Whatever listens on 127.0.0.1:8080 here, the settings half is all default.
    await t.go();
    expect(t.io.out()).toMatch(/^Host +http:\/\/127\.0\.0\.1:8080 +\(default\)$/m);
    expect(t.io.out()).toMatch(/^Profile +none$/m);
    expect(t.io.out()).toMatch(/^Timeout +1 s +\(FELDERA_REQUEST_TIMEOUT\)$/m);
  });
});
