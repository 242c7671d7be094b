/** `event watch --exec` as a user runs it: the built binary, a real shell hook, a simulator whose time the test moves. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { startCli, tempConfigDir } from '../helpers/cli.js';

describe('e2e: event watch --exec', () => {
  let sim: Simulator | undefined;
  afterAll(() => sim?.close());

  it('runs the hook for each line before exiting, with the event and the change; --until change ends it', async () => {
    // compiler-outage: the compiler goes down 5 minutes in; the test moves time there once watch has shown the healthy state.
    // At the real time: the built binary believes a server's Date only within 5 minutes of its own clock.
    const clock = manualClock(Math.floor(Date.now() / 60_000) * 60_000);
    sim = await startSimulator({ scenario: 'compiler-outage', clock, history: 60_000, seed: 9 });
    const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-e2e-'));
    const hook = `read -r json; echo "$CLUSTER_VERDICT|$CLUSTER_CHANGED|$CLUSTER_EVENT_ID|$(echo "$json" | cut -c1-7)" >> ${dir}/log`;
    const w = startCli(['event', 'watch', '--host', sim.url, '--interval', '1s', '--until', 'change', '--exec', hook], {
      env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
    });
    expect(await w.firstLine).toMatch(/ healthy /);
    clock.advance(5 * 60_000);
    expect((await w.exited).code).toBe(0);
    const { stdout, stderr } = w.output();
    expect(stderr).toBe('');
    const ids = stdout
      .trimEnd()
      .split('\n')
      .map((l) => /id=(\S+)/.exec(l)![1]);
    expect(ids).toHaveLength(2);
    expect(readFileSync(join(dir, 'log'), 'utf8').trimEnd().split('\n')).toEqual([
      `healthy||${ids[0]}|{"id":"`,
      `unhealthy|compiler:Healthy>Unhealthy|${ids[1]}|{"id":"`,
    ]);
  });

  /** Whether the process whose pid the hook wrote is still alive. */
  const alive = (file: string) => {
    try {
      process.kill(Number(readFileSync(file, 'utf8').trim()), 0);
      return true;
    } catch {
      return false;
    }
  };
  const until = async (cond: () => boolean, ms = 10_000) => {
    for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };

  it('Ctrl-C twice while a hook runs: exit 130 at once, and the hook (with what it started) is gone', async () => {
    const s = await startSimulator({ scenario: 'healthy', history: 60_000, seed: 3 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-e2e-'));
      const w = startCli(['event', 'watch', '--host', s.url, '--exec', `sleep 300 & echo $! > ${dir}/pid; wait`], {
        env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
      });
      await w.firstLine;
      expect(await until(() => existsSync(join(dir, 'pid')))).toBe(true);
      w.child.kill('SIGINT');
      expect(await until(() => w.output().stderr.includes('finishing 1 hook'))).toBe(true);
      w.child.kill('SIGINT');
      expect((await w.exited).code).toBe(130);
      expect(await until(() => !alive(join(dir, 'pid')))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('a timed-out hook: what it started and that ignores SIGTERM is killed too', async () => {
    const s = await startSimulator({ scenario: 'healthy', history: 60_000, seed: 4 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-e2e-'));
      const hook = `sh -c 'trap "" TERM; echo $$ > ${dir}/pid; exec sleep 300' & sleep 300`;
      const w = startCli(['event', 'watch', '--host', s.url, '--exec', hook, '--exec-timeout', '1s'], {
        env: { CLUSTER_CONFIG_DIR: tempConfigDir() },
      });
      // Waited for, not timed: the watch goes on after the hook was stopped, until it is told to end.
      const stopped = () => /ran longer than --exec-timeout 1s and was stopped/.test(w.output().stderr);
      expect(await until(stopped)).toBe(true);
      expect(await until(() => !alive(join(dir, 'pid')))).toBe(true);
      w.child.kill('SIGTERM');
      expect((await w.exited).code).toBe(143);
    } finally {
      await s.close();
    }
  });
});
