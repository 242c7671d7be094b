/** `event list`, `event incidents`, `event timeline` as a user runs them: the built binary, a simulator, pipes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterEventStatus } from '../../src/api/types.js';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { getJson, HOUR, type Sim, sim } from '../helpers/sim.js';

// The simulators' clocks start at the real one: the built binary judges ages by its own clock and
// believes a server's Date only within 5 minutes of it (README "Stale").
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('e2e: history commands', () => {
  let s: Sim;
  let all: ClusterEventStatus[];
  const env = { CLUSTER_CONFIG_DIR: tempConfigDir() };
  beforeAll(async () => {
    s = await sim({ start: NOW, scenario: 'compiler-outage', history: 72 * HOUR });
    all = (await getJson(`${s.url}/v0/cluster/events`)).body as ClusterEventStatus[];
  });
  afterAll(() => s.close());

  it('event list: plain grep-able rows when piped', async () => {
    const r = await runCli(['event', 'list', '--host', s.url, '--unhealthy'], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(all.filter((e) => !e.all_healthy).length);
    expect(lines.every((l) => /^\S{36}\t\S+Z\tunhealthy\tHealthy\tUnhealthy\tHealthy$/.test(l))).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('event list --json --limit 2: the first two objects of the server array', async () => {
    const r = await runCli(['event', 'list', '--host', s.url, '--json', '--limit', '2'], { env });
    expect(JSON.parse(r.stdout)).toEqual(all.slice(0, 2));
  });

  it('bad input: exit 64 and what was expected', async () => {
    const a = await runCli(['event', 'list', '--host', s.url, '--since', 'yesterday'], { env });
    expect(a.code).toBe(64);
    expect(a.stderr).toMatch(
      /^error: invalid --since "yesterday": expected a duration such as 30m, 2h, 3d or an RFC 3339 time/,
    );
    expect(a.stdout).toBe('');
  });

  it('event list --incidents: the compiler outage', async () => {
    const a = await runCli(['event', 'list', '--incidents', '--host', s.url], { env });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^compiler\tUnhealthy\t\S+Z\t\S+Z\t(19|20)m \d+s\t\d+\n$/);
  });

  it('event timeline piped: characters, legend, availability', async () => {
    const r = await runCli(['event', 'list', '--timeline', '--host', s.url, '--width', '70', '--utc'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ncompiler {2}▄▁{59}\n/);
    expect(r.stdout).toContain('█ unhealthy (▄ in part)');
    expect(r.stdout).toMatch(/\ncompiler +99\.\d\d% /);
  });
});
