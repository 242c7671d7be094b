/**
 * A named pipe (FIFO) planted as config.json or state.json in a shared, sticky config folder (the
 * attack of a co-user on a /tmp-like CLUSTER_CONFIG_DIR): every command used to hang at the open.
 * Now config.json's is refused with one line and exit 1, state.json's is ignored (it is only
 * learned knowledge), and neither is ever replaced. The built bin/cluster.js, with a real FIFO
 * (the mkfifo binary); each run is given a generous kill timeout, and the test asserts that it
 * exited by itself (no signal) with the right code — a hang would end in SIGKILL instead.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { HOUR, type Sim, sim } from '../helpers/sim.js';

const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;
const KILL_AFTER_MS = 30_000;
const TEST_MS = 2 * KILL_AFTER_MS;

/** A sticky, world-writable config folder with a FIFO at `name`, another user's when we can make it so. */
function plantedFifo(name: string): { dir: string; fifo: string } {
  const dir = tempConfigDir();
  chmodSync(dir, 0o1777);
  const fifo = join(dir, name);
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  if (isRoot) chownSync(fifo, 4242, 4242);
  return { dir, fifo };
}

describe.skipIf(!posix)('a FIFO in place of config.json or state.json', { timeout: TEST_MS }, () => {
  let healthy: Sim;
  beforeAll(async () => {
    healthy = await sim({ scenario: 'compiler-outage', history: 24 * HOUR, seed: 3 });
  });
  afterAll(() => healthy.close());

  it.each([
    ['event', 'get', 'latest'],
    ['status', '--all-profiles'],
    ['auth', 'status'],
    ['profile', 'list'],
  ])('config.json: `cluster %s %s` exits 1 by itself with one line, never opening it', async (...args) => {
    const { dir, fifo } = plantedFifo('config.json');
    const r = await runCli(args, { env: { CLUSTER_CONFIG_DIR: dir }, timeoutMs: KILL_AFTER_MS });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: refusing to read the config file ${fifo}: it is a named pipe (FIFO), not a regular file\n`,
    );
    expect(r.stderr).toContain(`hint: remove it (\`rm ${fifo}\`)`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('config.json: `login` refuses it and leaves it where it is (nothing stored over it)', async () => {
    const { dir, fifo } = plantedFifo('config.json');
    const r = await runCli(['login', '--host', healthy.url, '--api-key-stdin'], {
      env: { CLUSTER_CONFIG_DIR: dir },
      input: 'apikey:0123456789abcdef0123456789abcdef\n',
      timeoutMs: KILL_AFTER_MS,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('it is a named pipe (FIFO), not a regular file');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('config.json as a link to a FIFO or to /dev/zero is refused too', async () => {
    for (const [kind, make] of [
      ['a named pipe (FIFO)', (p: string) => execFileSync('mkfifo', [p])],
      ['a device', (p: string) => execFileSync('ln', ['-s', '/dev/zero', p])],
    ] as const) {
      const dir = tempConfigDir();
      const at = join(dir, kind === 'a device' ? 'config.json' : 'elsewhere');
      make(at);
      if (kind !== 'a device') execFileSync('ln', ['-s', at, join(dir, 'config.json')]);
      const r = await runCli(['profile', 'list'], { env: { CLUSTER_CONFIG_DIR: dir }, timeoutMs: KILL_AFTER_MS });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`it is ${kind}, not a regular file`);
    }
  });

  it('state.json: ignored (learned knowledge only) — `status` answers, and the FIFO is not replaced', async () => {
    const { dir, fifo } = plantedFifo('state.json');
    const r = await runCli(['status', '--host', healthy.url, '--verbose'], {
      // The simulator's clock is not the real one: the server's Date is to be believed.
      env: { CLUSTER_CONFIG_DIR: dir, CLUSTER_SERVER_CLOCK: 'trust' },
      timeoutMs: KILL_AFTER_MS,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: healthy\n/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('state.json: a command that learns (`event list`) answers, says at --verbose that it could not store, and leaves the FIFO', async () => {
    const { dir, fifo } = plantedFifo('state.json');
    const r = await runCli(['event', 'list', '--host', healthy.url, '--since', '2h', '--verbose'], {
      // The simulator's clock is not the real one: the server's Date is to be believed.
      env: { CLUSTER_CONFIG_DIR: dir, CLUSTER_SERVER_CLOCK: 'trust' },
      timeoutMs: KILL_AFTER_MS,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
    expect(r.stderr).toContain('not a regular file');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('the same folder with a regular config.json works (so the refusals above can fail)', async () => {
    const dir = tempConfigDir();
    chmodSync(dir, 0o1777);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: {} }), { mode: 0o600 });
    const r = await runCli(['profile', 'list'], { env: { CLUSTER_CONFIG_DIR: dir }, timeoutMs: KILL_AFTER_MS });
    expect(r.code).toBe(0);
  });
});
