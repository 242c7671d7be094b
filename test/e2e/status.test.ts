/** `cluster status` as scripts use it: exit codes, --json, the fallback, the fleet. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { HOUR, closedPort, getJson, sim, slowServer, type Sim } from '../commands/list-helpers.js';

describe('e2e: status', () => {
  let healthy: Sim;
  let stalled: Sim;
  let old: Sim;
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  beforeAll(async () => {
    [healthy, stalled, old] = await Promise.all([
      sim({ scenario: 'compiler-outage', history: 72 * HOUR, seed: 3 }),
      sim({ scenario: 'stalled', history: 20 * HOUR }),
      sim({ scenario: 'compiler-outage', history: 72 * HOUR, seed: 3, omitRoutes: ['cluster_healthz'] }),
    ]);
  });
  afterAll(() => Promise.all([healthy.close(), stalled.close(), old.close()]));

  it('healthy: exit 0; stalled: exit 3 with "stale"; unreachable: exit 1', async () => {
    const a = await runCli(['status', '--host', healthy.url], { env });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^verdict: healthy\n/);
    const b = await runCli(['status', '--host', stalled.url], { env });
    expect(b.code).toBe(3);
    expect(b.stdout).toMatch(/^verdict: stale\nreason: the latest check is 19h 5\dm old/);
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const c = await runCli(['status', '--host', dead, '--retries', '0', '--json'], { env });
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stdout).error.kind).toBe('unreachable');
    expect(c.stderr).toMatch(/^error: cannot reach/);
  });

  it('an older server: the computed --json equals the newer server\'s; --verbose says so', async () => {
    const server = (await getJson(`${healthy.url}/v0/cluster_healthz`)).body;
    const r = await runCli(['status', '--host', old.url, '--json', '--verbose'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(server);
    expect(r.stderr).toMatch(/answered 404 for \/v0\/cluster_healthz \(an older server\): computing the same answer/);
  });

  it('fleet: three profiles, one down, one slow — rows, exit 1, total time bounded', async () => {
    const slow = await slowServer(20_000);
    const dir = tempConfigDir();
    const down = `http://127.0.0.1:${await closedPort()}`;
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ profiles: { a: { host: healthy.url, auth: { kind: 'none' } }, b: { host: down, auth: { kind: 'none' } }, c: { host: slow.url, auth: { kind: 'none' } } } }),
      { mode: 0o600 },
    );
    try {
      const t = performance.now();
      const r = await runCli(['status', '--all-profiles', '--request-timeout', '0.5'], { env: { CLUSTER_CONFIG_DIR: dir } });
      expect(performance.now() - t).toBeLessThan(3000); // the slow one answers after 20 s
      expect(r.code).toBe(1);
      expect(r.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 3))).toEqual([
        ['a', healthy.url, 'healthy'],
        ['b', down, 'unreachable'],
        ['c', slow.url, 'unreachable'],
      ]);
      // every row has the same eight fields; the error is the last one
      const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
      expect(rows.map((f) => f.length)).toEqual([8, 8, 8]);
      expect(rows[0]!.slice(3, 6)).toEqual(['healthy', 'healthy', 'healthy']);
      expect(rows[0]![7]).toBe('-');
      expect(rows[1]!.slice(3, 7)).toEqual(['-', '-', '-', '-']);
      expect(rows[1]![7]).toMatch(/cannot reach/);
      const u = await runCli(['status', '-p', 'a,zz'], { env: { CLUSTER_CONFIG_DIR: dir } });
      expect(u.code).toBe(1);
      expect(u.stderr).toBe('error: unknown profile: zz\nhint: known profiles: a, b, c\n');
    } finally {
      await slow.close();
    }
  });
});
