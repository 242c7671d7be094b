/**
 * `cluster login`, `auth status`, `profile list/use`, `logout` end to end: the built bin/cluster.js
 * as a child process against `cluster simulate --api-key`, as a user or a script would run them.
 * The interactive login runs in a real pseudo-terminal (Python's pty module) to show the key is
 * never echoed. Needs `npm run build` first.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempConfigDir } from '../helpers/cli.js';
import { hasPty, inPty } from '../helpers/pty.js';

const KEY = `apikey:AbCd${'e2e'.repeat(40)}wxyz`;
let url = '';
let sim: ReturnType<typeof startCli>;

beforeAll(async () => {
  sim = startCli(['simulate', '--port', '0', '--api-key', KEY, '--seed', '11']);
  url = (await sim.firstLine).trim();
});
afterAll(async () => {
  sim.child.kill('SIGTERM');
  await sim.exited;
});

describe('login → auth status → profile list → logout (scripted)', () => {
  const dir = tempConfigDir();
  const env = { CLUSTER_CONFIG_DIR: dir };

  it('login --api-key-stdin saves a verified profile with mode 0600', async () => {
    const r = await runCli(['login', '--host', url, '--api-key-stdin'], { env, input: `${KEY}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${url} as profile "default" (now the current profile).`);
    expect(r.stdout).toContain('apikey:AbCd…wxyz');
    expect(r.stdout).toMatch(/Feldera \d+\.\d+\.\d+ \(Open source\)/);
    expect(r.stdout).not.toContain(KEY);
    const file = join(dir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.default.auth).toEqual({ kind: 'apikey', apiKey: KEY });
  });

  it('auth status reports the profile, the server and the session; exit 0', async () => {
    const r = await runCli(['auth', 'status'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Host +http:\/\/127\.0\.0\.1:\d+ +\(profile "default"\)$/m);
    expect(r.stdout).toMatch(/^Auth +on \(GenericOidc\), credential accepted$/m);
    expect(r.stdout).toMatch(/role admin/);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('auth status --json parses, and FELDERA_API_KEY wins over the profile (exit 1 when wrong)', async () => {
    const r = await runCli(['auth', 'status', '--json', '--retries', '0'], {
      env: { ...env, FELDERA_API_KEY: `apikey:${'bad'.repeat(10)}` },
    });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.credential.from).toBe('FELDERA_API_KEY');
    expect(j.server.authorised).toBe(false);
    expect(r.stderr).toContain('error: not authorised');
  });

  it('profile list piped: plain row, masked; --json masked', async () => {
    const r = await runCli(['profile', 'list'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`default\t${url}\tapikey\tapikey:AbCd…wxyz\tcurrent\n`);
    const j = await runCli(['profile', 'list', '--json'], { env });
    expect(JSON.parse(j.stdout)[0]).toMatchObject({ name: 'default', current: true, credential: 'apikey:AbCd…wxyz' });
    expect(j.stdout).not.toContain(KEY);
  });

  it('a second profile, profile use, then logout moves the current sensibly', async () => {
    const second = await runCli(['login', '--host', url, '--api-key-stdin', '--profile', 'second', '--verbose'], {
      env,
      input: KEY,
    });
    expect(second.code).toBe(0);
    // --verbose traces every request, never the key
    expect(second.stderr).toContain('* GET /config/authentication → 200');
    expect(second.stderr).toContain('* GET /v0/cluster/events/latest?selector=status → 200');
    expect(second.stdout + second.stderr).not.toContain(KEY);
    expect(second.stderr).toContain('switch with `cluster profile use second`');
    const use = await runCli(['profile', 'use', 'second'], { env });
    expect(use.code).toBe(0);
    const unknown = await runCli(['profile', 'use', 'third'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: no profile named "third"');
    expect(unknown.stderr).toContain('hint: known profiles: default, second');
    const out = await runCli(['logout'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Removed profile "second"');
    expect(out.stdout).toContain('The current profile is now "default".');
    const bad = await runCli(['logout', '--profile', 'nope'], { env });
    expect(bad.code).toBe(1);
  });

  it('login without a key and without a terminal: usage error 64, nothing saved', async () => {
    const fresh = { CLUSTER_CONFIG_DIR: tempConfigDir() };
    const r = await runCli(['login', '--host', url], { env: fresh });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--api-key-stdin');
    const list = await runCli(['profile', 'list'], { env: fresh });
    expect(list.stdout).toBe('');
  });

  it('a wrong key: exit 1, reason said, nothing saved', async () => {
    const fresh = { CLUSTER_CONFIG_DIR: tempConfigDir() };
    const r = await runCli(['login', '--host', url, '--api-key-stdin'], {
      env: fresh,
      input: `apikey:${'x'.repeat(40)}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: login failed:');
    expect(r.stderr).toContain('rejected the credential');
    expect(r.stderr).toContain('nothing was saved');
  });

  it('logout --all empties the config', async () => {
    const r = await runCli(['logout', '--all'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ profiles: {} });
  });
});

describe.skipIf(!hasPty)('interactive login in a pseudo-terminal', () => {
  it('asks the host with its default and the key without echoing it', async () => {
    const dir = tempConfigDir();
    const r = await inPty(['login'], { CLUSTER_CONFIG_DIR: dir, FELDERA_HOST: url }, [
      { expect: 'Feldera host [', send: '\r' },
      { expect: 'API key (input hidden): ', send: `${KEY}\r` },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Feldera host [${url}]: `);
    expect(r.out).toContain('Logged in to');
    expect(r.out).toContain('apikey:AbCd…wxyz');
    // Not a character of the secret part reached the terminal.
    expect(r.out).not.toContain(KEY);
    expect(r.out).not.toContain('e2ee2e');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.default.auth.apiKey).toBe(KEY);
  });

  it('Ctrl-C at the key prompt exits 130 and saves nothing', async () => {
    const dir = tempConfigDir();
    const r = await inPty(['login', '--host', url], { CLUSTER_CONFIG_DIR: dir }, [
      { expect: 'API key (input hidden): ', send: 'apikey:partial\u0003' },
    ]);
    expect(r.code).toBe(130);
    expect(r.out).not.toContain('partial');
    const list = await runCli(['profile', 'list', '--json'], { env: { CLUSTER_CONFIG_DIR: dir } });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
