/**
 * The secrets audit, a few runs of the built bin/cluster.js as a user would run them (the full
 * matrix runs in-process: test/commands/secrets-audit.test.ts): a server that reflects the
 * credential, the credential given by environment, by stdin to login (then stored), and by token
 * command; and `cluster simulate --api-key` itself. Neither the credential nor any 8-character
 * piece of it reaches stdout or stderr — nor a hook's stdin or environment (`event watch --exec`,
 * every payload preset), from a server that puts it into an extra field of valid events.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIECE } from '../../src/io/secrets.js';
import { runCli, startCli, tempConfigDir } from '../helpers/cli.js';

const KEY = `apikey:${'Zr4Tn8Pq2Vx6Lm0Hk3'.repeat(7)}Aa`;
const TOKEN = `ey-not-a-jwt-${'7d3c9e1f5b2a8c4e'.repeat(4)}`;

function expectNoLeak(output: string, secret: string): void {
  expect(output).not.toContain(secret);
  const body = secret.replace(/^apikey:/, '');
  for (let i = 0; i + PIECE <= body.length; i++)
    expect(output, `piece ${body.slice(i, i + PIECE)}`).not.toContain(body.slice(i, i + PIECE));
}

// Each path reflects the credential a different way.
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const cred = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const path = (req.url ?? '').split('?')[0];
    if (path === '/config/authentication') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ GenericOidc: { issuer: 'https://idp', client_id: 'c', extra_oidc_scopes: [] } }));
    }
    if (path === '/v0/cluster/events/latest') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(`<html><title>login ${cred}</title></html>`);
    }
    if (path === '/v0/cluster_healthz') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end(`<title>bad gateway ${cred}</title>`);
    }
    if (path === '/v0/cluster/events') {
      res.writeHead(307, { location: `http://127.0.0.1:1/steal?t=${cred}` });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version: cred, edition: cred, id: cred }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const COMMANDS = [
  ['event', 'get', 'latest', '--json'],
  ['event', 'list', '--verbose'],
  ['status', '--verbose', '--json'],
  ['auth', 'status'],
  ['event', 'watch', '--timeout', '1s', '--json'],
];

describe('a reflecting server, the built binary', () => {
  it.each([
    ['FELDERA_API_KEY', KEY, (dir: string) => ({ CLUSTER_CONFIG_DIR: dir, FELDERA_HOST: url, FELDERA_API_KEY: KEY })],
    [
      'FELDERA_AUTH_TOKEN_COMMAND',
      TOKEN,
      (dir: string) => {
        const file = join(dir, 'token');
        writeFileSync(file, TOKEN);
        return { CLUSTER_CONFIG_DIR: dir, FELDERA_HOST: url, FELDERA_AUTH_TOKEN_COMMAND: `cat ${file}` };
      },
    ],
  ])('credential by %s', { timeout: 60_000 }, async (_how, secret, envOf) => {
    const env = envOf(tempConfigDir());
    for (const args of COMMANDS) {
      const r = await runCli([...args, '--retries', '0'], { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expectNoLeak(r.stdout + r.stderr, secret);
    }
  });

  it('credential stored by login from stdin, then used by every command and the fleet', {
    timeout: 60_000,
  }, async () => {
    const dir = tempConfigDir();
    const login = await runCli(['login', '--host', url, '--api-key-stdin', '--profile', 'p', '--no-verify'], {
      env: { CLUSTER_CONFIG_DIR: dir },
      input: KEY,
    });
    expect(login.code).toBe(0);
    expectNoLeak(login.stdout + login.stderr, KEY);
    for (const args of [...COMMANDS, ['status', '--all-profiles'], ['profile', 'list', '--json']]) {
      const r = await runCli([...args, '--retries', '0'], { env: { CLUSTER_CONFIG_DIR: dir } });
      expectNoLeak(r.stdout + r.stderr, KEY);
    }
  });
});

describe('hooks of the built binary: a server that reflects the credential into valid events', () => {
  let events: Server;
  let eventsUrl = '';
  beforeAll(async () => {
    events = createServer((req, res) => {
      req.resume();
      const cred = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const event = {
        id: '01938f2c-7a4b-7c3d-8e5f-0123456789ab',
        recorded_at: new Date(Date.now() - 5000).toISOString(),
        all_healthy: false,
        api_status: 'Healthy',
        compiler_status: 'Unhealthy',
        runner_status: 'Healthy',
        note: `the key is ${cred}`,
      };
      const path = (req.url ?? '').split('?')[0];
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end(JSON.stringify(path === '/v0/cluster/events' ? [event] : event));
    });
    await new Promise<void>((r) => events.listen(0, '127.0.0.1', r));
    eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    events.closeAllConnections();
    await new Promise((r) => events.close(r));
  });

  it.each([
    ['event', []],
    ['webhook', []],
    ['event', ['--exec-on', 'transition']],
    ['alertmanager', ['--exec-on', 'transition']],
    ['pagerduty', ['--exec-on', 'transition']],
  ])('--exec-payload %s %s: stdin and environment', { timeout: 60_000 }, async (payload, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-e2e-hooks-'));
    const keep = `cat > ${dir}/stdin; env > ${dir}/env`;
    // --until unhealthy ends the watch at its first poll; its hook then runs to the end (no deadline).
    const r = await runCli(
      ['event', 'watch', '--json', '--until', 'unhealthy', '--exec', keep, '--exec-payload', payload, ...extra],
      {
        env: {
          CLUSTER_CONFIG_DIR: tempConfigDir(),
          FELDERA_HOST: eventsUrl,
          FELDERA_API_KEY: KEY,
          MY_COPY_OF_THE_KEY: KEY,
          PAGERDUTY_ROUTING_KEY: 'R0ut1ngK3y0fTheE2eAudit',
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    // --json printed the extra field, masked.
    expect(JSON.parse(r.stdout.split('\n')[0]!).note).toMatch(/^the key is apikey:Zr4T…/);
    expectNoLeak(r.stdout + r.stderr, KEY);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['env', 'stdin']);
    const stdin = readFileSync(join(dir, 'stdin'), 'utf8');
    const env = readFileSync(join(dir, 'env'), 'utf8');
    expectNoLeak(stdin, KEY);
    expectNoLeak(env, KEY);
    expect(env).not.toMatch(/^(FELDERA_API_KEY|MY_COPY_OF_THE_KEY)=/m);
    expect(env).toMatch(/^CLUSTER_VERDICT=unhealthy$/m);
    if (payload === 'event') expect(JSON.parse(stdin).note).toMatch(/^the key is apikey:Zr4T…/);
  });
});

describe('cluster simulate --api-key', () => {
  it('never prints the key it requires, not even with --verbose while serving right and wrong keys', {
    timeout: 60_000,
  }, async () => {
    const sim = startCli(['simulate', '--port', '0', '--api-key', KEY, '--verbose']);
    const simUrl = (await sim.firstLine).trim();
    const dir = tempConfigDir();
    const good = await runCli(['status', '--host', simUrl], { env: { CLUSTER_CONFIG_DIR: dir, FELDERA_API_KEY: KEY } });
    expect(good.code).toBe(0);
    const bad = await runCli(['status', '--host', simUrl, '--retries', '0'], {
      env: { CLUSTER_CONFIG_DIR: dir, FELDERA_API_KEY: `${KEY}x` },
    });
    expect(bad.code).toBe(1);
    sim.child.kill('SIGTERM');
    await sim.exited;
    const { stdout, stderr } = sim.output();
    expect(stderr).toContain('GET /v0/cluster_healthz -> 200');
    expect(stderr).toContain('GET /v0/cluster_healthz -> 401');
    for (const text of [stdout + stderr, good.stdout + good.stderr, bad.stdout + bad.stderr]) expectNoLeak(text, KEY);
  });
});
