import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LoginDeps, loginRun, newCmdLogin, parseKey } from '../../src/commands/login.js';
import { configPath, readConfig } from '../../src/config/profiles.js';
import { CliError } from '../../src/errors.js';
import { scriptedPrompter } from '../../src/io/prompt.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { tempConfigDir } from '../helpers/cli.js';
import { argvOf, runOrThrow } from '../helpers/command.js';
import {
  byPath,
  EVENT,
  type FakeServer,
  fakeServer,
  feldera,
  PLATFORM,
  selfSignedCert,
} from '../helpers/fake-server.js';
import { bufferIO } from '../helpers/io.js';
import '../helpers/test-names.cjs';

const KEY = `apikey:AbCd${'k'.repeat(120)}wxyz`;

let sim: Simulator;
let open: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: KEY, seed: 7 });
  open = await startSimulator({ port: 0, seed: 8 });
});
afterAll(async () => {
  await sim.close();
  await open.close();
});
const fakes: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

interface Setup {
  env?: Record<string, string>;
  tty?: boolean;
  stdin?: string;
  answers?: string[];
  runTokenCommand?: (cmd: string) => Promise<string>;
}

function setup(s: Setup = {}) {
  const dir = tempConfigDir();
  const env = { CLUSTER_CONFIG_DIR: dir, ...s.env };
  const io = bufferIO({ env, stdinIsTTY: Boolean(s.tty) });
  const prompter = s.answers ? scriptedPrompter(s.answers) : undefined;
  let stdinReads = 0;
  const deps: LoginDeps = {
    prompter,
    readStdin: async () => {
      stdinReads++;
      return s.stdin ?? '';
    },
  };
  /** `cluster login` with these flags (global ones included), prompts and stdin from the setup. */
  const go = (opts: Record<string, unknown>) =>
    runOrThrow(newCmdLogin, argvOf(opts), {
      io,
      runTokenCommand: s.runTokenCommand,
      runF: (o, ctx) => loginRun(o, ctx, deps),
    });
  return { dir, env, io, prompter, go, stdinReads: () => stdinReads, file: configPath(env) };
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof CliError)) throw new Error(`expected a CliError, got ${String(e)}`);
  return e;
}

describe('login --api-key-stdin (scripts)', () => {
  it('verifies, saves 0600 in a 0700 folder, prints the masked key and the server version; first profile becomes current', async () => {
    const t = setup({ stdin: `${KEY}\n` });
    expect(await t.go({ host: sim.url, apiKeyStdin: true })).toBe(0);
    const cfg = readConfig(t.env);
    expect(cfg.current).toBe('default');
    expect(cfg.profiles.default).toMatchObject({
      host: sim.url,
      auth: { kind: 'apikey', apiKey: KEY },
      serverVersion: expect.any(String),
      serverEdition: 'Open source',
    });
    expect(statSync(t.file).mode & 0o777).toBe(0o600);
    expect(statSync(t.dir).mode & 0o777).toBe(0o700);
    const out = t.io.out();
    expect(out).toContain(`Logged in to ${sim.url} as profile "default" (now the current profile).`);
    expect(out).toContain('apikey:AbCd…wxyz');
    expect(out).toMatch(/server {2}Feldera \d+\.\d+\.\d+ \(Open source\)/);
    expect(out + t.io.err()).not.toContain(KEY);
  });

  it('a wrong key: nothing saved, the reason said', async () => {
    const t = setup({ stdin: `apikey:${'w'.repeat(60)}` });
    const e = await failure(t.go({ host: sim.url, apiKeyStdin: true }));
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('login failed');
    expect(e.message).toContain('rejected the credential');
    expect(e.message).toContain('Unauthorized API key');
    expect(e.hint).toContain('nothing was saved');
    expect(existsSync(t.file)).toBe(false);
  });

  it('an empty stdin is a usage error', async () => {
    const t = setup({ stdin: '\n' });
    const e = await failure(t.go({ host: sim.url, apiKeyStdin: true }));
    expect(e.exitCode).toBe(64);
    expect(e.message).toContain('no API key on standard input');
  });

  it('stores --profile, --tenant, --insecure and --ca-cert; a second profile does not take over as current', async () => {
    const t = setup({ stdin: KEY });
    await t.go({ host: sim.url, apiKeyStdin: true });
    // A CA file that does not exist: said before any request, nothing saved.
    const e = await failure(t.go({ host: sim.url, apiKeyStdin: true, profile: 'staging', caCert: 'no/such/ca.pem' }));
    expect(e.message).toContain('cannot read the CA certificate');
    expect(e.message).toContain('no/such/ca.pem');
    expect(readConfig(t.env).profiles.staging).toBeUndefined();
    const tls = selfSignedCert();
    const ca = tls ? tls.certFile : undefined;
    if (ca) {
      expect(
        await t.go({
          host: sim.url,
          apiKeyStdin: true,
          profile: 'staging',
          tenant: 'acme',
          insecure: true,
          caCert: ca,
        }),
      ).toBe(0);
      const cfg = readConfig(t.env);
      expect(cfg.current).toBe('default');
      expect(cfg.profiles.staging).toMatchObject({ tenant: 'acme', insecure: true, caCert: ca });
      expect(t.io.err()).toContain('switch with `cluster profile use staging`');
    }
  });

  it('sends the tenant while verifying', async () => {
    const f = await fakeServer(
      byPath(
        {
          '/config/authentication': {
            status: 200,
            json: { GenericOidc: { issuer: 'i', client_id: 'c', extra_oidc_scopes: [] } },
          },
          '/v0/config': { status: 200, json: PLATFORM },
        },
        { status: 200, json: EVENT },
      ),
    );
    fakes.push(f);
    const t = setup({ stdin: KEY, env: { FELDERA_TENANT: 'from-env' } });
    await t.go({ host: f.url, apiKeyStdin: true, tenant: 'acme' });
    expect(f.seen.map((r) => r.url)).toEqual([
      '/config/authentication',
      '/v0/cluster/events/latest?selector=status',
      '/v0/config',
    ]);
    expect(f.seen[0]!.headers.authorization).toBeUndefined();
    expect(f.seen[1]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(f.seen[1]!.headers['feldera-tenant']).toBe('acme');
    expect(readConfig(t.env).profiles.default?.tenant).toBe('acme');
  });

  it('--api-key-stdin and --token-command together: usage error', async () => {
    const t = setup();
    const e = await failure(t.go({ host: sim.url, apiKeyStdin: true, tokenCommand: 'x' }));
    expect(e.exitCode).toBe(64);
  });
});

describe('authentication off', () => {
  it('no credential is asked for; saved with auth none', async () => {
    const t = setup({ tty: true, answers: [open.url] });
    expect(await t.go({})).toBe(0);
    expect(t.prompter!.asked).toEqual([
      { question: 'Feldera host', hidden: false, defaultValue: 'http://127.0.0.1:8080' },
    ]);
    expect(readConfig(t.env).profiles.default).toMatchObject({ host: open.url, auth: { kind: 'none' } });
    expect(t.io.out()).toContain('auth    none (authentication is off)');
  });

  it('a key given on stdin is drained and not stored', async () => {
    const t = setup({ stdin: KEY });
    expect(await t.go({ host: open.url, apiKeyStdin: true })).toBe(0);
    expect(t.stdinReads()).toBe(1);
    expect(readConfig(t.env).profiles.default?.auth).toEqual({ kind: 'none' });
    expect(t.io.err()).toContain('authentication is off on this instance');
  });
});

describe('interactive', () => {
  it('asks the host (default shown) and the key (hidden)', async () => {
    const t = setup({ tty: true, answers: ['', KEY], env: { FELDERA_HOST: sim.url } });
    expect(await t.go({})).toBe(0);
    expect(t.prompter!.asked).toEqual([
      { question: 'Feldera host', hidden: false, defaultValue: sim.url },
      { question: 'API key', hidden: true },
    ]);
    expect(readConfig(t.env).profiles.default?.auth).toEqual({ kind: 'apikey', apiKey: KEY });
  });

  it('with --host only the key is asked', async () => {
    const t = setup({ tty: true, answers: [KEY] });
    expect(await t.go({ host: sim.url })).toBe(0);
    expect(t.prompter!.asked.map((a) => a.question)).toEqual(['API key']);
  });

  it('a re-login suggests the profile host', async () => {
    const t = setup({ stdin: KEY });
    await t.go({ host: sim.url, apiKeyStdin: true });
    const again = setup({ tty: true, answers: ['', KEY] });
    writeFileSync(again.file, readFileSync(t.file));
    await again.go({});
    expect(again.prompter!.asked[0]!.defaultValue).toBe(sim.url);
  });
});

describe('non-interactive without a credential', () => {
  it('auth on: a clear usage error (exit 64), nothing saved', async () => {
    const t = setup();
    const e = await failure(t.go({ host: sim.url }));
    expect(e.exitCode).toBe(64);
    expect(e.message).toContain('authentication on');
    expect(e.hint).toContain('--api-key-stdin');
    expect(e.hint).toContain('--token-command');
    expect(existsSync(t.file)).toBe(false);
  });
});

describe('--token-command', () => {
  it('runs the command once to verify and stores the command, not the token', async () => {
    let runs = 0;
    const t = setup({
      runTokenCommand: async () => {
        runs++;
        return KEY;
      },
    });
    expect(await t.go({ host: sim.url, tokenCommand: 'print-my-token' })).toBe(0);
    expect(runs).toBe(1);
    const text = readFileSync(t.file, 'utf8');
    expect(text).not.toContain(KEY);
    expect(readConfig(t.env).profiles.default?.auth).toEqual({ kind: 'token-command', command: 'print-my-token' });
    expect(t.io.out()).toContain('token command `print-my-token`');
  });

  it('a token the server rejects: nothing saved', async () => {
    const t = setup({ runTokenCommand: async () => 'not-the-key-at-all' });
    const e = await failure(t.go({ host: sim.url, tokenCommand: 'x' }));
    expect(e.message).toContain('rejected the credential');
    expect(existsSync(t.file)).toBe(false);
  });
});

describe('verification failures', () => {
  it('unreachable: nothing saved, host named', async () => {
    const f = await fakeServer(() => ({ status: 200, json: {} }));
    const url = f.url;
    await f.close();
    const t = setup({ stdin: KEY });
    const e = await failure(t.go({ host: url, apiKeyStdin: true, retries: '0' }));
    expect(e.message).toBe(`login failed: cannot reach ${url}: connection refused`);
    expect(e.hint).toContain('nothing was saved');
    expect(existsSync(t.file)).toBe(false);
  });

  it('server too old (no cluster-events API): nothing saved', async () => {
    const old = await startSimulator({ port: 0, apiKey: KEY, omitRoutes: ['cluster_events'], seed: 1 });
    try {
      const t = setup({ stdin: KEY });
      const e = await failure(t.go({ host: old.url, apiKeyStdin: true }));
      expect(e.message).toContain('has no cluster-events API');
      expect(e.message).toContain('too old');
      expect(existsSync(t.file)).toBe(false);
    } finally {
      await old.close();
    }
  });

  it('not Feldera at all (404 on /config/authentication)', async () => {
    const f = await fakeServer(() => ({ status: 404, body: 'Not Found' }));
    fakes.push(f);
    const t = setup({ stdin: KEY });
    const e = await failure(t.go({ host: f.url, apiKeyStdin: true }));
    expect(e.message).toContain('not a Feldera instance');
  });

  it('role too low (403)', async () => {
    const low = await startSimulator({ port: 0, apiKey: KEY, role: 'none', seed: 2 });
    try {
      const t = setup({ stdin: KEY });
      const e = await failure(t.go({ host: low.url, apiKeyStdin: true }));
      expect(e.message).toContain('may not read cluster events');
    } finally {
      await low.close();
    }
  });

  it('404 NoClusterMonitorEventsAvailable counts as success', async () => {
    const f = await fakeServer(
      byPath(
        { '/config/authentication': { status: 200, json: {} }, '/v0/config': { status: 200, json: PLATFORM } },
        feldera(404, 'There are not yet any cluster monitor events recorded', 'NoClusterMonitorEventsAvailable'),
      ),
    );
    fakes.push(f);
    const t = setup();
    expect(await t.go({ host: f.url })).toBe(0);
    expect(t.io.out()).toContain('none recorded yet');
    expect(t.io.out()).toContain('Feldera 0.337.0 (Open source)');
  });

  it.skipIf(!selfSignedCert())('TLS problem: hint --ca-cert, nothing saved', async () => {
    const tls = selfSignedCert()!;
    const f = await fakeServer(
      byPath(
        { '/config/authentication': { status: 200, json: {} }, '/v0/config': { status: 200, json: PLATFORM } },
        { status: 200, json: EVENT },
      ),
      tls,
    );
    fakes.push(f);
    const t = setup({ stdin: KEY });
    const e = await failure(t.go({ host: f.url, apiKeyStdin: true }));
    expect(e.message).toContain('TLS failure');
    expect(e.hint).toContain('--ca-cert');
    expect(existsSync(t.file)).toBe(false);
    // with the CA it works, and the CA path is stored
    expect(await t.go({ host: f.url, caCert: tls.certFile })).toBe(0);
    expect(readConfig(t.env).profiles.default?.caCert).toBe(tls.certFile);
  });

  it('--no-verify saves without any request', async () => {
    const f = await fakeServer(() => ({ status: 500, body: '' }));
    fakes.push(f);
    const t = setup({ stdin: KEY });
    expect(await t.go({ host: f.url, apiKeyStdin: true, verify: false })).toBe(0);
    expect(f.seen).toHaveLength(0);
    expect(readConfig(t.env).profiles.default?.auth).toEqual({ kind: 'apikey', apiKey: KEY });
    expect(t.io.out()).toContain('Saved without verifying');
    expect(t.io.out()).toContain('not contacted (--no-verify)');
  });

  it('--no-verify without a credential does not claim authentication is off: nobody asked', async () => {
    const f = await fakeServer(() => ({ status: 500, body: '' }));
    fakes.push(f);
    const t = setup();
    expect(await t.go({ host: f.url, verify: false })).toBe(0);
    expect(f.seen).toHaveLength(0);
    expect(readConfig(t.env).profiles.default?.auth).toEqual({ kind: 'none' });
    expect(t.io.out()).toMatch(/^ {2}auth {4}none \(not checked: --no-verify\)$/m);
    expect(t.io.out()).not.toContain('authentication is off');
  });
});

describe('bearer over plain http to a non-loopback host', () => {
  it('--no-verify still refuses to store a key that could never be sent', async () => {
    const t = setup({ stdin: KEY });
    const e = await failure(t.go({ host: 'http://feldera.example.com', apiKeyStdin: true, verify: false }));
    expect(e.message).toContain('refusing to send a bearer credential in clear text');
    expect(existsSync(t.file)).toBe(false);
  });

  it('refuses before asking for the key when the instance has auth on', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url === '/config/authentication'
            ? { GenericOidc: { issuer: 'i', client_id: 'c', extra_oidc_scopes: [] } }
            : {},
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      // A host NAME that is not a loopback name, resolved to 127.0.0.1 by test-names.cjs.
      const url = `http://feldera.test:${(server.address() as AddressInfo).port}`;
      const t = setup({ tty: true, answers: [KEY] });
      const e = await failure(t.go({ host: url }));
      expect(e.message).toContain(`refusing to send a bearer credential in clear text to ${url}`);
      expect(e.hint).toContain('https://');
      expect(t.prompter!.asked).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('config file', () => {
  it('a corrupted file: clear error before any request, file untouched', async () => {
    const t = setup({ stdin: KEY });
    writeFileSync(t.file, '{ nope');
    const e = await failure(t.go({ host: sim.url, apiKeyStdin: true }));
    expect(e.message).toContain('is not valid JSON');
    expect(readFileSync(t.file, 'utf8')).toBe('{ nope');
  });

  it('an invalid profile name is a usage error', async () => {
    const t = setup();
    const e = await failure(t.go({ host: sim.url, profile: 'a/b' }));
    expect(e.exitCode).toBe(64);
  });

  it('CLUSTER_PROFILE names the profile when --profile is absent', async () => {
    const t = setup({ stdin: KEY, env: { CLUSTER_PROFILE: 'ci' } });
    await t.go({ host: sim.url, apiKeyStdin: true });
    expect(Object.keys(readConfig(t.env).profiles)).toEqual(['ci']);
  });
});

describe('parseKey', () => {
  it('apikey: is an API key, anything else a bearer token; one word only', () => {
    expect(parseKey(' apikey:abc \n', 'x')).toEqual({ kind: 'apikey', apiKey: 'apikey:abc' });
    expect(parseKey('eyJ.a.b', 'x')).toEqual({ kind: 'token', token: 'eyJ.a.b' });
    expect(() => parseKey('a b', 'x')).toThrow(/more than one word/);
    expect(() => parseKey('apikey:a\nsecond', 'x')).toThrow(/more than one word/);
    expect(() => parseKey('', 'given')).toThrow(/no API key given/);
    expect(() => parseKey('apikey:é', 'given')).toThrow(/non-ASCII/);
    expect(() => parseKey('apikey:\u0007x', 'given')).toThrow(/control/);
  });
});
