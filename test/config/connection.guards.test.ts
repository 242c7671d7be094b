/**
 * Connection settings that are wrong or surprising are caught before any request, in-process
 * through the commands' own parsers: `--profile` wins over FELDERA_HOST / FELDERA_API_KEY (and
 * `--verbose` and `auth status` say so); a tenant that cannot be a header is a usage error; a CA
 * "file" that never ends is an error, not a hang.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdStatus as newCmdAuthStatus } from '../../src/commands/auth/status.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { tempConfigDir } from '../helpers/cli.js';
import { type FakeServer, fakeServer, HEALTH } from '../helpers/fake-server.js';
import { configWith, runCommand, type Sim, sim } from '../helpers/sim.js';

const KEY = `apikey:${'Env7'.repeat(32)}`;
const BIG = join(tempConfigDir(), 'huge.pem');
writeFileSync(BIG, `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2 << 20)}`);
let envHost: FakeServer;
let staging: Sim;
let dir: string;

beforeAll(async () => {
  envHost = await fakeServer(() => ({ status: 200, json: HEALTH }));
  staging = await sim({ history: 3_600_000 });
  dir = configWith({ staging: staging.url, prod: 'https://prod.example.com' }, 'prod');
});
afterAll(async () => {
  await envHost.close();
  await staging.close();
});

describe('--profile wins over FELDERA_HOST and FELDERA_API_KEY', () => {
  const env = () => ({ FELDERA_HOST: envHost.url, FELDERA_API_KEY: KEY });

  it('status --profile staging asks staging, says why under --verbose, and sends FELDERA_API_KEY nowhere', async () => {
    const before = envHost.seen.length;
    const r = await runCommand(
      newCmdStatus,
      { verbose: true },
      { configDir: dir, env: env(), flags: { profile: 'staging' } },
    );
    expect(r.code).toBe(0);
    expect(envHost.seen.length).toBe(before);
    expect(r.err).toContain(
      '* profile "staging" was named with --profile, so it wins over FELDERA_HOST, FELDERA_API_KEY (not used)',
    );
    expect(r.out).toMatch(/healthy/);
  });

  it('without --profile the environment still wins (and nothing is said about it)', async () => {
    const before = envHost.seen.length;
    const r = await runCommand(
      newCmdStatus,
      { verbose: true },
      { configDir: dir, env: { ...env(), CLUSTER_PROFILE: 'staging' } },
    );
    expect(envHost.seen.length).toBeGreaterThan(before);
    expect(envHost.seen.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.err).not.toContain('wins over');
  });

  it('auth status shows which variables were not used, as text and as JSON', async () => {
    const text = await runCommand(newCmdAuthStatus, {}, { configDir: dir, env: env(), flags: { profile: 'staging' } });
    expect(text.out).toMatch(new RegExp(`^Host +${staging.url.replace(/\./g, '\\.')} +\\(profile "staging"\\)$`, 'm'));
    expect(text.out).toMatch(
      /^ +not used: FELDERA_HOST, FELDERA_API_KEY \(the profile named with --profile wins over the environment\)$/m,
    );
    const json = await runCommand(
      newCmdAuthStatus,
      { json: true },
      { configDir: dir, env: env(), flags: { profile: 'staging' } },
    );
    const report = JSON.parse(json.out);
    expect(report.ignored_env).toEqual(['FELDERA_HOST', 'FELDERA_API_KEY']);
    expect(report.host).toMatchObject({ value: staging.url, from: 'profile "staging"' });
    expect(report.credential.kind).toBe('none');
  });
});

describe('caught before any request', () => {
  it.each([
    [
      'FELDERA_TENANT with a line break',
      { FELDERA_TENANT: 'acme\r\nX-Injected: 1' },
      {},
      64,
      'invalid FELDERA_TENANT: the tenant contains a line break',
    ],
    [
      '--tenant with a non-ASCII letter',
      {},
      { tenant: 'ümlaut' },
      64,
      'invalid --tenant: the tenant contains a non-ASCII character',
    ],
    [
      'FELDERA_HTTPS_TLS_CERT=/dev/zero',
      { FELDERA_HTTPS_TLS_CERT: '/dev/zero' },
      {},
      1,
      'cannot read the CA certificate /dev/zero: it is a device, not a file',
    ],
    ['--ca-cert naming a folder', {}, { caCert: '/tmp' }, 1, 'cannot read the CA certificate /tmp: it is a directory'],
    [
      '--ca-cert of 2 MB',
      {},
      { caCert: BIG },
      1,
      `cannot read the CA certificate ${BIG}: it is larger than 1 MB, too large for a CA bundle`,
    ],
  ])('%s', async (_name, env: Record<string, string>, flags, code, message) => {
    const before = envHost.connections();
    const r = await runCommand(
      newCmdStatus,
      {},
      { host: envHost.url.replace('http:', 'https:'), env, flags, configDir: dir },
    );
    expect(r.code).toBe(code);
    expect(r.err).toContain(`error: ${message}`);
    // Not even a connection (an https request to this plain server would connect, then fail the handshake).
    expect(envHost.connections()).toBe(before);
  });
});
