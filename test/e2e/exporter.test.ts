/** `cluster exporter` as it runs on a host: the built binary (prom-client from the bundle), two profiles, one down; Ctrl-C stops it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, tempConfigDir } from '../helpers/cli.js';
import { closedPort, HOUR, type Sim, sim } from '../helpers/sim.js';

// The simulators' clocks start at the real one: the built binary judges ages by its own clock and
// believes a server's Date only within 5 minutes of it (README "Stale").
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('e2e: exporter', () => {
  let prod: Sim;
  beforeAll(async () => {
    prod = await sim({ start: NOW, scenario: 'healthy', history: HOUR });
  });
  afterAll(() => prod.close());

  it('serves every profile; the unreachable one as feldera_cluster_up 0; SIGINT ends it with exit 0', async () => {
    const dir = tempConfigDir();
    const down = `http://127.0.0.1:${await closedPort()}`;
    const profiles = { prod: { host: prod.url, auth: { kind: 'none' } }, lab: { host: down, auth: { kind: 'none' } } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles }), { mode: 0o600 });
    const e = startCli(['exporter', '--all-profiles', '--listen', '127.0.0.1:0'], { env: { CLUSTER_CONFIG_DIR: dir } });
    const url = await e.firstLine;
    const text = await (await fetch(url)).text();
    expect(text).toContain(`feldera_cluster_up{profile="prod",host="${prod.url}"} 1`);
    expect(text).toContain(`feldera_cluster_healthy{profile="prod",host="${prod.url}"} 1`);
    expect(text).toContain(`feldera_cluster_up{profile="lab",host="${down}"} 0`);
    expect(text).toMatch(/^process_start_time_seconds \d+/m);
    expect(await (await fetch(url.replace('/metrics', '/healthz'))).text()).toBe('ok\n');
    e.child.kill('SIGINT');
    expect(await e.exited).toEqual({ code: 0, signal: null });
    expect(e.output().stderr).toMatch(/^Exporting cluster health of lab, prod on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(e.output().stderr).toMatch(/warning: \S+Z lab: unreachable: cannot reach/);
  });
});
