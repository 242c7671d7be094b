import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { newCmdSimulate } from '../../src/commands/simulate.js';
import { CliError, EXIT } from '../../src/errors.js';
import type { IO } from '../../src/io/io.js';
import { argvOf, runOrThrow } from '../helpers/command.js';

/** `cluster simulate` flags as named in code: `{ port: '0', speed: '60' }`. */
type SimulateOptions = Record<string, string | boolean | string[] | undefined>;

/** Parse the flags as the CLI does and serve until `signal` aborts. */
function runSimulate(opts: SimulateOptions, io: IO, signal?: AbortSignal): Promise<number> {
  return runOrThrow(newCmdSimulate, argvOf(opts), { io, signal: signal ?? new AbortController().signal });
}

function bufferIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: IO = {
    stdout: { write: (c: string) => void out.push(c) },
    stderr: { write: (c: string) => void err.push(c) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    color: false,
    colorErr: false,
    columns: 80,
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join(''), firstWrite: () => out[0] };
}

const base: SimulateOptions = { port: '0', scenario: 'healthy', speed: '1', edition: 'community' };

/** Starts `cluster simulate`, waits for the URL line, runs `body`, then aborts like Ctrl-C. */
async function withSimulate(
  opts: Partial<SimulateOptions>,
  body: (url: string, b: ReturnType<typeof bufferIO>) => Promise<void>,
) {
  const b = bufferIO();
  const ac = new AbortController();
  const done = runSimulate({ ...base, ...opts }, b.io, ac.signal);
  // The simulator module is loaded when the command starts it: wait for the URL line (15 s at most).
  for (const end = Date.now() + 15_000; !b.stdout() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
  const url = b.stdout().trim();
  try {
    await body(url, b);
  } finally {
    ac.abort();
  }
  return { code: await done, ...b };
}

describe('cluster simulate', () => {
  it('prints the URL on stdout first, a summary on stderr, serves, and stops cleanly with 0', async () => {
    const r = await withSimulate(
      { apiKey: 'apikey:s3cret', scenario: 'compiler-outage', speed: '60', history: '1h', seed: '42' },
      async (url, b) => {
        expect(b.firstWrite()).toBe(`${url}\n`);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${url}/v0/cluster/events/latest`, {
          headers: { authorization: 'Bearer apikey:s3cret' },
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        const denied = await fetch(`${url}/v0/cluster/events/latest`);
        expect(denied.status).toBe(401);
      },
    );
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout().split('\n')).toHaveLength(2);
    const summary = r.stderr();
    expect(summary).toContain('scenario: compiler-outage');
    expect(summary).toContain('speed:    60×');
    expect(summary).toContain('history:  1h pre-filled');
    expect(summary).toContain('seed:     42');
    expect(summary).toContain('API key required');
    expect(summary).not.toContain('s3cret');
    await expect(fetch(`${r.stdout().trim()}/healthz`)).rejects.toThrow();
  });

  it('loads a scenario file and logs requests with --verbose', async () => {
    const file = new URL('../fixtures/scenarios/db-trouble.json', import.meta.url).pathname;
    const r = await withSimulate(
      { scenario: file, verbose: true, omitRoute: ['cluster_healthz'], edition: 'enterprise' },
      async (url) => {
        const res = await fetch(`${url}/v0/cluster_healthz`);
        expect(res.status).toBe(404);
        expect(await res.text()).toBe('');
      },
    );
    expect(r.stderr()).toContain('scenario: db-trouble');
    expect(r.stderr()).toContain('Enterprise');
    expect(r.stderr()).toMatch(/GET \/v0\/cluster_healthz -> 404 \(0 B\)/);
  });

  it('--instances N: N independent instances from one port, each its own scenario and seed, listed at /instances', async () => {
    const r = await withSimulate(
      { instances: '5', scenario: 'healthy,compiler-outage,stalled', seed: '10', speed: '60', history: '10m' },
      async (url) => {
        const list = (await (await fetch(`${url}/instances`)).json()) as {
          targets: string[];
          labels: { scenario: string; seed: string };
        }[];
        expect(list).toEqual(
          ['healthy', 'compiler-outage', 'stalled', 'healthy', 'compiler-outage'].map((scenario, n) => ({
            targets: [`${url}/i/${n}`],
            labels: { scenario, seed: String(10 + n) },
          })),
        );
        // Instance 1 is 10 simulated minutes into a compiler outage; instance 0 is healthy.
        const sick = await fetch(`${url}/i/1/v0/cluster_healthz`);
        expect(sick.status).toBe(503);
        expect(((await sick.json()) as { compiler: { healthy: boolean } }).compiler.healthy).toBe(false);
        const ok = await fetch(`${url}/i/0/v0/cluster_healthz`);
        expect(ok.status).toBe(200);
        await ok.arrayBuffer();
        // Each instance its own event history (different seeds: different ids).
        const ids = await Promise.all(
          [0, 3].map(
            async (n) => ((await (await fetch(`${url}/i/${n}/v0/cluster/events`)).json()) as { id: string }[])[0]!.id,
          ),
        );
        expect(ids[0]).not.toBe(ids[1]);
        expect((await fetch(`${url}/i/5/v0/cluster_healthz`)).status).toBe(404);
        expect((await fetch(`${url}/v0/cluster_healthz`)).status).toBe(404);
      },
    );
    expect(r.code).toBe(EXIT.OK);
    expect(r.stderr()).toContain('scenarios: healthy, compiler-outage, stalled (in turn)');
    expect(r.stderr()).toContain('seeds:     10 … 14');
  });

  const bad: [Partial<SimulateOptions>, string][] = [
    [{ scenario: ['healthy', 'stalled'] }, 'several scenarios need --instances: one instance plays one scenario'],
    [{ instances: '0' }, 'invalid --instances "0": expected a whole number from 1 to 10000'],
    [{ instances: '2', omitRoute: ['cluster_healthz'] }, '--omit-route cannot be combined with --instances'],
    [{ port: 'abc' }, 'invalid --port "abc": expected a port number from 0 to 65535 (0 picks a free port)'],
    [{ port: '70000' }, 'invalid --port "70000": expected a port number from 0 to 65535 (0 picks a free port)'],
    [
      { speed: '0' },
      'invalid --speed "0": expected a positive number of simulated seconds per real second, e.g. 1 or 60',
    ],
    [
      { speed: 'fast' },
      'invalid --speed "fast": expected a positive number of simulated seconds per real second, e.g. 1 or 60',
    ],
    [{ history: '2 hours' }, 'invalid --history "2 hours": expected a duration such as 30m, 2h, 3d or 1h30m'],
    [{ seed: '-1' }, 'invalid --seed "-1": expected a whole number from 0 to 4294967295'],
    [{ edition: 'pro' }, 'invalid --edition "pro": expected community or enterprise'],
    [{ omitRoute: ['healthz'] }, 'invalid --omit-route "healthz": expected cluster_healthz or cluster_events'],
    [{ apiKey: '' }, 'invalid --api-key: expected a non-empty key without spaces or control characters'],
    [{ audience: 'feldera-api' }, '--audience needs --oidc-issuer'],
    [{ jwtLeeway: '0' }, '--jwt-leeway needs --oidc-issuer'],
    [
      { oidcIssuer: 'idp.example.com' },
      'invalid --oidc-issuer "idp.example.com": expected the issuer URL, e.g. https://login.example.com/oauth2/default',
    ],
    [
      { oidcIssuer: 'https://idp.example.com', jwtLeeway: 'soon' },
      'invalid --jwt-leeway "soon": expected whole seconds, e.g. 0 or 60',
    ],
    [
      { scenario: 'calm' },
      'unknown scenario "calm": expected one of healthy, startup, compiler-outage, flapping, slow-checks, stalled, long-info, retention, or the path of a scenario JSON file',
    ],
  ];
  it.each(bad)('rejects %j as a usage error', async (opts, message) => {
    const b = bufferIO();
    const err = await runSimulate({ ...base, ...opts }, b.io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    expect((err as CliError).message).toBe(message);
    expect(b.stdout()).toBe('');
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await runSimulate({ ...base, port: String(port) }, bufferIO().io).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(EXIT.FAILURE);
      expect((err as CliError).message).toBe(`port ${port} on 127.0.0.1 is already in use`);
      expect((err as CliError).hint).toBe('choose another with --port, or --port 0 for any free port');
    } finally {
      blocker.close();
    }
  });
});
