/** `cluster status --format nagios` as Icinga / Nagios / an NRPE agent runs it: the built binary, one line, the plugin exit code. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { closedPort, HOUR, MIN, SEC, type Sim, sim } from '../helpers/sim.js';

describe('e2e: status --format nagios', () => {
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  let sims: Sim[];
  beforeAll(async () => {
    sims = await Promise.all([
      sim({ scenario: 'healthy', history: HOUR }),
      sim({ scenario: 'startup', history: 30 * SEC }),
      sim({ scenario: 'compiler-outage', history: 10 * MIN }),
      sim({ scenario: 'stalled', history: 2 * HOUR }),
    ]);
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  it('0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 2 unreachable — one line on stdout, nothing on stderr', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const hosts = [...sims.map((s) => s.url), dead];
    const results = await Promise.all(
      hosts.map((h) => runCli(['status', '--host', h, '--retries', '0', '--format', 'nagios'], { env })),
    );
    expect(results.map((r) => [r.code, r.stdout.split(' - ')[0]])).toEqual([
      [0, 'FELDERA CLUSTER OK'],
      [1, 'FELDERA CLUSTER WARNING'],
      [2, 'FELDERA CLUSTER CRITICAL'],
      [3, 'FELDERA CLUSTER UNKNOWN'],
      [2, 'FELDERA CLUSTER CRITICAL'],
    ]);
    for (const r of results) {
      expect(r.stdout.split('\n')).toHaveLength(2);
      expect(r.stderr).toBe('');
    }
    expect(results[2]!.stdout).toMatch(
      /^FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since \d\d:\d\d \| age=\d+s;;2700 api=1 compiler=0 runner=1\n$/,
    );
    expect(results[4]!.stdout).toMatch(/^FELDERA CLUSTER CRITICAL - unreachable: cannot reach .*connection refused\n$/);
  });
});
