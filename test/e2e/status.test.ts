/** `cluster status` as scripts use it: exit codes, --json, older servers, the fleet. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { oldFeldera } from '../helpers/old-feldera.js';
import { closedPort, HOUR, type Sim, sim, slowServer } from '../helpers/sim.js';

// The simulators' clocks start at the real one: the built binary judges ages by its own clock and
// believes a server's Date only within 5 minutes of it (README "Stale").
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('e2e: status', () => {
  let healthy: Sim;
  let stalled: Sim;
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  beforeAll(async () => {
    [healthy, stalled] = await Promise.all([
      sim({ start: NOW, scenario: 'compiler-outage', history: 72 * HOUR, seed: 3 }),
      sim({ start: NOW, scenario: 'stalled', history: 20 * HOUR }),
    ]);
  });
  afterAll(() => Promise.all([healthy.close(), stalled.close()]));

  it('healthy: exit 0; stalled: exit 3 with "stale"; unreachable: exit 1', async () => {
    const a = await runCli(['status', '--host', healthy.url], { env });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^verdict: healthy\n/);
    const b = await runCli(['status', '--host', stalled.url], { env });
    expect(b.code).toBe(3);
    expect(b.stdout).toMatch(/^verdict: stale\nsince: \S+Z\nreason: no check for 19h 5\dm/);
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const c = await runCli(['status', '--host', dead, '--retries', '0', '--json'], { env });
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stdout).error.kind).toBe('unreachable');
    expect(c.stderr).toMatch(/^error: cannot reach/);
  });

  it('Feldera v0.121–v0.200 ({runner, compiler} only): a verdict, --json as sent; without event routes, event commands name the version', async () => {
    const up = await oldFeldera({ version: '0.150.0' });
    const down = await oldFeldera({ version: '0.150.0', compiler: false });
    try {
      const a = await runCli(['status', '--host', up.url, '--verbose'], { env });
      expect(a.code).toBe(0);
      expect(a.stdout).toMatch(/^verdict: healthy\n/);
      expect(a.stdout).toContain(
        'source: Feldera v0.121–v0.200: compiler and runner only; api answered, so taken as healthy\n',
      );
      expect(a.stderr).toMatch(/in the shape of Feldera v0\.121–v0\.200/);
      const b = await runCli(['status', '--host', down.url, '--json'], { env });
      expect(b.code).toBe(2);
      expect(Object.keys(JSON.parse(b.stdout))).toEqual(['runner', 'compiler']);
      const e = await runCli(['event', 'list', '--host', up.url], { env });
      expect(e.code).toBe(1);
      expect(e.stderr).toMatch(
        /^error: \S+ runs Feldera 0\.150\.0, which predates cluster monitor events \(added in v0\.201\.0\)/,
      );
      expect(e.stderr).toMatch(/\nhint: use `cluster status`/);
    } finally {
      await Promise.all([up.close(), down.close()]);
    }
  });

  it('fleet: three profiles, one down, one slow — rows, exit 1, total time bounded', async () => {
    // it answers after the test would have failed: only the request timeout ends its row
    const slow = await slowServer(10 * 60_000);
    const dir = tempConfigDir();
    const down = `http://127.0.0.1:${await closedPort()}`;
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        profiles: {
          a: { host: healthy.url, auth: { kind: 'none' } },
          b: { host: down, auth: { kind: 'none' } },
          c: { host: slow.url, auth: { kind: 'none' } },
        },
      }),
      { mode: 0o600 },
    );
    try {
      const r = await runCli(['status', '--all-profiles', '--request-timeout', '0.5'], {
        env: { CLUSTER_CONFIG_DIR: dir },
      });
      // each read asked once and all at once: one request timeout in all
      expect(slow.requests).toEqual([...new Set(slow.requests)]);
      expect(slow.mostAtOnce()).toBe(slow.requests.length);
      expect(r.code).toBe(1);
      expect(
        r.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.split('\t').slice(0, 3)),
      ).toEqual([
        ['a', healthy.url, 'healthy'],
        ['b', down, 'unreachable'],
        ['c', slow.url, 'unreachable'],
      ]);
      // every row has the same nine fields; the note (the error) is the last one
      const rows = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(rows.map((f) => f.length)).toEqual([9, 9, 9]);
      expect(rows[0]!.slice(4, 7)).toEqual(['Healthy', 'Healthy', 'Healthy']);
      expect(rows[0]![8]).toBe('-');
      expect(rows[1]!.slice(3, 8)).toEqual(['-', '-', '-', '-', '-']);
      expect(rows[1]![8]).toMatch(/cannot reach/);
      const u = await runCli(['status', '-p', 'a,zz'], { env: { CLUSTER_CONFIG_DIR: dir } });
      expect(u.code).toBe(1);
      expect(u.stderr).toBe('error: unknown profile: zz\nhint: known profiles: a, b, c\n');
    } finally {
      await slow.close();
    }
  });
});
