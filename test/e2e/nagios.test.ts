/**
 * `cluster check` (and `status --format nagios`) as Icinga / Nagios / an NRPE agent runs it: the built
 * binary, the plugin answer on stdout, nothing on stderr, the plugin exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { fakeServer } from '../helpers/fake-server.js';
import { closedPort, HOUR, MIN, SEC, type Sim, sim } from '../helpers/sim.js';

// The simulators' clocks start at the real one: the built binary judges ages by its own clock and
// believes a server's Date only within 5 minutes of it (README "Stale").
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('e2e: cluster check', () => {
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  let sims: Sim[];
  beforeAll(async () => {
    sims = await Promise.all([
      sim({ start: NOW, scenario: 'healthy', history: HOUR }),
      sim({ start: NOW, scenario: 'startup', history: 30 * SEC }),
      sim({ start: NOW, scenario: 'compiler-outage', history: 10 * MIN }),
      sim({ start: NOW, scenario: 'stalled', history: 2 * HOUR }),
    ]);
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  it('0 OK, 1 WARNING, 2 CRITICAL, 2 stale, 2 unreachable, 3 UNKNOWN with --stale-state unknown — nothing on stderr', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const hosts = [...sims.map((s) => s.url), dead];
    const results = await Promise.all(hosts.map((h) => runCli(['check', '--host', h, '--retries', '0'], { env })));
    expect(results.map((r) => [r.code, r.stdout.split(' - ')[0]])).toEqual([
      [0, 'FELDERA CLUSTER OK'],
      [1, 'FELDERA CLUSTER WARNING'],
      [2, 'FELDERA CLUSTER CRITICAL'],
      [2, 'FELDERA CLUSTER CRITICAL'],
      [2, 'FELDERA CLUSTER CRITICAL'],
    ]);
    for (const r of results) expect(r.stderr).toBe('');
    expect(results[2]!.stdout.split('\n')[0]).toMatch(
      /^FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since \d\d:\d\d \| 'age'=\d+s;;2700;0 'api_healthy'=1;;;0;1 /,
    );
    expect(results[2]!.stdout.split('\n')).toHaveLength(6); // the first line, a line per service, when; the last newline
    expect(results[4]!.stdout).toMatch(/^FELDERA CLUSTER CRITICAL - unreachable: cannot reach .*connection refused\n$/);
    const unknown = await runCli(['status', '--host', sims[3]!.url, '--format', 'nagios'], { env });
    expect(unknown.code).toBe(2);
    const soft = await runCli(['check', '--host', sims[3]!.url, '--stale-state', 'unknown'], { env });
    expect([soft.code, soft.stdout.split(' - ')[0]]).toEqual([3, 'FELDERA CLUSTER UNKNOWN']);
  });

  it('-t: against a server that never answers, the check answers itself when its deadline passes', async () => {
    const hung = await fakeServer(() => ({ hang: true }));
    try {
      // The process's own limit is a safety net only; the verdict is the answer.
      const r = await runCli(['check', '--host', hung.url, '-t', '1'], { env, timeoutMs: 30_000 });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(
        /^FELDERA CLUSTER UNKNOWN - unreachable: timed out after 1s \(no answer from http:\/\/127\.0\.0\.1:\d+\)\n$/,
      );
      expect(r.stderr).toBe('');
    } finally {
      await hung.close();
    }
  });
});
