/**
 * `status --format nagios` against the simulator and misbehaving servers: one Monitoring Plugins
 * line on stdout, nothing on stderr, and the plugin exit code for each state.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdStatus as run } from '../../src/commands/status.js';
import { closedPort, configWith, HOUR, MIN, runCommand, SEC, type Sim, sim, T0 } from '../helpers/sim.js';

const LINE = /^FELDERA CLUSTER (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| [^\n]+)?\n$/;

async function nagios(host: string, extra: Record<string, unknown> = {}, configDir?: string) {
  const r = await runCommand(run, { format: 'nagios', utc: true, ...extra }, { host, ...(configDir && { configDir }) });
  expect(r.out).toMatch(LINE);
  expect(r.err).toBe('');
  return r;
}

/** A server answering every request with `status` and `body`. */
async function answering(status: number, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('status --format nagios', () => {
  const sims: Sim[] = [];
  let healthy: Sim;
  let outage: Sim;
  let starting: Sim;
  let stalled: Sim;
  let empty: Sim;
  let older: Sim;
  beforeAll(async () => {
    sims.push(
      (healthy = await sim({ scenario: 'healthy', history: 2 * HOUR })),
      (outage = await sim({ scenario: 'compiler-outage', history: 10 * MIN })),
      (starting = await sim({ scenario: 'startup', history: 30 * SEC })),
      (stalled = await sim({ scenario: 'stalled', history: 2 * HOUR })),
      (empty = await sim({ scenario: 'healthy' })),
      (older = await sim({ scenario: 'compiler-outage', history: 10 * MIN, omitRoutes: ['cluster_healthz'] })),
    );
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  it('OK: all healthy and fresh, exit 0; perfdata: the age against the staleness limit, 1/0 per service', async () => {
    const r = await nagios(healthy.url);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^FELDERA CLUSTER OK - healthy: all services healthy, checked (just now|\d+m( \d+s)? ago) \| age=\d+s;;2700 api=1 compiler=1 runner=1\n$/,
    );
    expect((await nagios(healthy.url, { staleAfter: '20m' })).out).toMatch(/ \| age=\d+s;;1200 /);
  });

  it("CRITICAL: a service Unhealthy, since when (the server's unchanged_since), exit 2", async () => {
    const since = new Date(Date.parse(outage.model.health()!.compiler.unchanged_since)).toISOString().slice(11, 16);
    expect(since).toBe(new Date(T0 - 5 * MIN).toISOString().slice(11, 16)); // the compiler went down 5 minutes ago
    const r = await nagios(outage.url);
    expect(r.code).toBe(2);
    expect(r.out).toBe(
      `FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since ${since}Z | age=${Math.round((T0 - Date.parse(outage.model.health()!.compiler.checked_at)) / 1000)}s;;2700 api=1 compiler=0 runner=1\n`,
    );
    // A server without /v0/cluster_healthz answers with an error: CRITICAL, saying which route is missing.
    expect((await nagios(older.url)).out).toMatch(
      /^FELDERA CLUSTER CRITICAL - unreachable: \S+ has no \/v0\/cluster_healthz \(\/v0\/cluster_healthz answered 404\)\n$/,
    );
  });

  it('CRITICAL with "since unknown" when unchanged_since is only the latest check (Feldera before v0.336 says so)', async () => {
    const at = new Date(Date.now() - 30 * SEC).toISOString();
    const svc = (healthy: boolean) => ({
      healthy,
      message: healthy ? 'Healthy' : 'Unhealthy: down',
      unchanged_since: at,
      checked_at: at,
    });
    const health = { all_healthy: false, api: svc(true), compiler: svc(false), runner: svc(true) };
    const latest = {
      id: '019afe41-4c7c-72be-a474-68be688e5490',
      recorded_at: at,
      all_healthy: false,
      api_status: 'Healthy',
      compiler_status: 'Unhealthy',
      runner_status: 'Healthy',
    };
    const server = createServer((req, res) => {
      const body = req.url?.startsWith('/v0/cluster_healthz') ? health : latest;
      res.writeHead(req.url?.startsWith('/v0/cluster_healthz') ? 503 : 200, {
        'content-type': 'application/json',
        date: new Date().toUTCString(),
      });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await nagios(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/^FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since unknown \| /);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('WARNING: only services still starting (InitialUnhealthy), exit 1', async () => {
    const r = await nagios(starting.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FELDERA CLUSTER WARNING - starting: (\w+ InitialUnhealthy since \d\d:\d\dZ(, )?)+ \| age=\d+s;;2700 /,
    );
  });

  it('UNKNOWN: stale data (the recorder stopped), exit 3; no events yet is starting: WARNING, exit 1', async () => {
    const r = await nagios(stalled.url);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(
      /^FELDERA CLUSTER UNKNOWN - stale: no check for 1h 5\dm( \d+s)? \(limit 45m\): the monitor has stopped recording, health unknown \| age=\d+s;;2700 api=1 compiler=1 runner=1\n$/,
    );
    const none = await nagios(empty.url);
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/^FELDERA CLUSTER WARNING - starting: no cluster monitor events recorded yet/);
  });

  it('CRITICAL when Feldera cannot be reached or answers an error; UNKNOWN for an answer we cannot read or a local problem', async () => {
    const down = await nagios(`http://127.0.0.1:${await closedPort()}`);
    expect(down.code).toBe(2);
    expect(down.out).toMatch(
      /^FELDERA CLUSTER CRITICAL - unreachable: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused\n$/,
    );
    const failing = await answering(
      500,
      '{"message":"database unreachable | down","error_code":"DbError","details":{}}',
    );
    const garbage = await answering(200, '{"all_healthy": "yes"}');
    try {
      const e = await nagios(failing.url);
      expect(e.code).toBe(2);
      expect(e.out).toMatch(/^FELDERA CLUSTER CRITICAL - .*database unreachable \/ down/); // no `|` but the one before perfdata
      const g = await nagios(garbage.url);
      expect(g.code).toBe(3);
      expect(g.out).toMatch(/^FELDERA CLUSTER UNKNOWN - /);
    } finally {
      await Promise.all([failing.close(), garbage.close()]);
    }
    const unknownProfile = await runCommand(
      run,
      { format: 'nagios', profile: 'nope' },
      { configDir: configWith({ prod: healthy.url }) },
    );
    expect(unknownProfile.out).toMatch(/^FELDERA CLUSTER UNKNOWN - .*nope/);
    expect(unknownProfile.code).toBe(3);
  });

  it('without --format nagios the exit codes are unchanged', async () => {
    expect((await runCommand(run, {}, { host: starting.url })).code).toBe(2);
    expect((await runCommand(run, {}, { host: empty.url })).code).toBe(2);
    expect((await runCommand(run, { format: 'text' }, { host: stalled.url })).code).toBe(3);
    expect(JSON.parse((await runCommand(run, { format: 'json' }, { host: healthy.url })).out)).toMatchObject({
      all_healthy: true,
    });
  });
});
