/**
 * TLS end to end: `cluster simulate --tls` serves HTTPS with a certificate made at start and
 * written where it says; the built bin/cluster.js trusts it through --ca-cert,
 * FELDERA_HTTPS_TLS_CERT or a stored profile, skips checking with --insecure, and refuses a wrong
 * or missing CA with a clear error (exit 1). A bearer key goes over https to a host NAME that is
 * not a loopback name (`feldera.test`, resolved to 127.0.0.1 by a preloaded lookup: no traffic
 * leaves the machine), and is refused over plain http to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/simulator/certificate.js';
import { runCli, startCli, tempConfigDir } from '../helpers/cli.js';

const KEY = `apikey:${'T1s'.repeat(42)}tlsx`;
const NAMES = `--require ${resolve(import.meta.dirname, '../helpers/test-names.cjs')}`;
const work = tempConfigDir();
const CERT = join(work, 'sim-cert.pem');
const WRONG = join(work, 'wrong-ca.pem');
let url = '';
let port = '';
let sim: ReturnType<typeof startCli>;

beforeAll(async () => {
  sim = startCli([
    'simulate',
    '--port',
    '0',
    '--tls',
    '--tls-name',
    'feldera.test',
    '--cert-out',
    CERT,
    '--api-key',
    KEY,
    '--seed',
    '3',
  ]);
  url = (await sim.firstLine).trim();
  port = new URL(url).port;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(WRONG, selfSignedCertificate().cert);
});
afterAll(async () => {
  sim.child.kill('SIGTERM');
  await sim.exited;
});

/** The simulator's summary on stderr, once it is all there (it follows the URL line). */
async function summaryOf(s: ReturnType<typeof startCli>): Promise<string> {
  for (const end = Date.now() + 10_000; !s.output().stderr.includes('Press Ctrl-C') && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 10));
  return s.output().stderr;
}

const status = (args: string[], env: Record<string, string> = {}) =>
  runCli(['status', '--retries', '0', ...args], { env: { CLUSTER_CONFIG_DIR: work, FELDERA_API_KEY: KEY, ...env } });

describe('cluster simulate --tls', () => {
  it('serves https on 127.0.0.1 and names the certificate file it wrote', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(CERT, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const stderr = await summaryOf(sim);
    expect(stderr).toContain('tls:      self-signed certificate for localhost, 127.0.0.1, ::1, feldera.test');
    expect(stderr).toContain(`trust it with --ca-cert ${CERT} (or FELDERA_HTTPS_TLS_CERT=${CERT})`);
  });

  it.each([
    ['--ca-cert', ['--host', '', '--ca-cert', CERT], {}],
    ['FELDERA_HTTPS_TLS_CERT', ['--host', ''], { FELDERA_HTTPS_TLS_CERT: CERT }],
    ['--insecure', ['--host', '', '--insecure'], {}],
    ['FELDERA_TLS_INSECURE=1', ['--host', ''], { FELDERA_TLS_INSECURE: '1' }],
  ])('trusted through %s: exit 0 with the key accepted', async (_how, args, env: Record<string, string>) => {
    const r = await status(
      args.map((a) => (a === '' ? url : a)),
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: healthy$/m);
  });

  it('without a CA: exit 1, a TLS error that says what to pass', async () => {
    const r = await status(['--host', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: TLS failure talking to ${url}: self-signed certificate`);
    expect(r.stderr).toContain(
      'hint: if the server uses a private CA, pass its certificate with --ca-cert FILE (or FELDERA_HTTPS_TLS_CERT); --insecure skips verification',
    );
  });

  it('a wrong CA: exit 1, says the certificate is not signed by the CA in that file', async () => {
    for (const r of [
      await status(['--host', url, '--ca-cert', WRONG]),
      await status(['--host', url], { FELDERA_HTTPS_TLS_CERT: WRONG }),
    ]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `error: TLS failure talking to ${url}: self-signed certificate — not signed by the CA in ${WRONG}`,
      );
      expect(r.stderr).toContain(`hint: check that ${WRONG} holds the certificate of the CA that signed the server's`);
      expect(r.stdout + r.stderr).not.toContain(KEY.slice(10, 30));
    }
  });

  it('a name the certificate does not list: exit 1, a clear TLS error', async () => {
    const r = await status(['--host', `https://other.test:${port}`, '--ca-cert', CERT], { NODE_OPTIONS: NAMES });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: TLS failure talking to https:\/\/other\.test:\d+: .*(altname|other\.test)/i);
  });
});

describe('a bearer key to a host name that is not loopback', () => {
  it('goes over https (the simulator accepts it: it was sent), verified against the CA', async () => {
    const r = await status(['--host', `https://feldera.test:${port}`, '--ca-cert', CERT, '--verbose'], {
      NODE_OPTIONS: NAMES,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('* GET /v0/cluster_healthz → 200');
    expect(r.stdout).toMatch(/^verdict: healthy$/m);
  });

  it('is refused over plain http to that name, before any request', async () => {
    const r = await status(['--host', `http://feldera.test:${port}`, '--verbose'], { NODE_OPTIONS: NAMES });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: refusing to send a bearer credential in clear text to http://feldera.test:${port}`,
    );
    expect(r.stderr).not.toContain('* GET');
  });

  it('login stores the CA with the profile, and later commands use it', async () => {
    const dir = tempConfigDir();
    const login = await runCli(
      ['login', '--host', `https://feldera.test:${port}`, '--ca-cert', CERT, '--api-key-stdin'],
      { env: { CLUSTER_CONFIG_DIR: dir, NODE_OPTIONS: NAMES }, input: KEY },
    );
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`ca-cert ${CERT}`);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.default.caCert).toBe(CERT);
    const r = await runCli(['status'], { env: { CLUSTER_CONFIG_DIR: dir, NODE_OPTIONS: NAMES } });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(KEY.slice(10, 30));
  });
});

describe('when it stops', () => {
  it('a certificate in a folder it made is removed; one written to --cert-out is kept', async () => {
    const s = startCli(['simulate', '--port', '0', '--tls']);
    await s.firstLine;
    const file = /--ca-cert (\S+)/.exec(await summaryOf(s))?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
    expect(existsSync(file)).toBe(false);
    // One that wrote to --cert-out, stopped the same way: the file stays.
    const out = join(tempConfigDir(), 'kept.pem');
    const k = startCli(['simulate', '--port', '0', '--tls', '--cert-out', out]);
    await k.firstLine;
    await summaryOf(k);
    k.child.kill('SIGTERM');
    expect((await k.exited).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
