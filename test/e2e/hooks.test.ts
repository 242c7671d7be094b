/** `event watch --exec` as a user runs it: the built binary, a real shell hook, a simulator whose time the test moves. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startCli, tempConfigDir } from '../helpers/cli.js';

describe('e2e: event watch --exec', () => {
  let sim: Simulator | undefined;
  afterAll(() => sim?.close());

  it('runs the hook for each line before exiting, with the event and the change; --until change ends it', async () => {
    // compiler-outage: the compiler goes down 5 minutes in; the test moves time there once watch has shown the healthy state.
    const clock = manualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    sim = await startSimulator({ scenario: 'compiler-outage', clock, history: 60_000, seed: 9 });
    const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-e2e-'));
    const hook = `read -r json; echo "$CLUSTER_VERDICT|$CLUSTER_CHANGED|$CLUSTER_EVENT_ID|$(echo "$json" | cut -c1-7)" >> ${dir}/log`;
    const w = startCli(['event', 'watch', '--host', sim.url, '--interval', '1s', '--until', 'change', '--exec', hook], { env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
    expect(await w.firstLine).toMatch(/ healthy /);
    clock.advance(5 * 60_000);
    expect((await w.exited).code).toBe(0);
    const { stdout, stderr } = w.output();
    expect(stderr).toBe('');
    const ids = stdout.trimEnd().split('\n').map((l) => /id=(\S+)/.exec(l)![1]);
    expect(ids).toHaveLength(2);
    expect(readFileSync(join(dir, 'log'), 'utf8').trimEnd().split('\n')).toEqual([`healthy||${ids[0]}|{"id":"`, `unhealthy|compiler:Healthy>Unhealthy|${ids[1]}|{"id":"`]);
  });
});
