/**
 * Concurrent writers of one config folder: 20 `cluster login` processes started together, two
 * rounds, every profile survives (without the lock, one did); and a lock left by a process killed
 * while holding it is recovered. The built bin/cluster.js against `cluster simulate --api-key`.
 *
 * Two rounds, not more: with the lock taken out, the first round alone failed 4 times out of 4;
 * with the takeover guard taken out, ten rounds over a stale lock still all passed, so more rounds
 * bought time, not detection.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_NAME, STALE_MS } from '../../src/config/lock.js';
import { runCli, startCli, tempConfigDir } from '../helpers/cli.js';

const KEY = `apikey:${'Lk9'.repeat(43)}`;
const PARALLEL = 20;
let url = '';
let sim: ReturnType<typeof startCli>;

beforeAll(async () => {
  sim = startCli(['simulate', '--port', '0', '--api-key', KEY, '--seed', '5']);
  url = (await sim.firstLine).trim();
});
afterAll(async () => {
  sim.child.kill('SIGTERM');
  await sim.exited;
});

function login(dir: string, profile: string) {
  return runCli(['login', '--profile', profile, '--host', url, '--api-key-stdin'], {
    env: { CLUSTER_CONFIG_DIR: dir },
    input: KEY,
    timeoutMs: 60_000,
  });
}

function storedProfiles(dir: string): string[] {
  return Object.keys(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles).sort();
}

/** PARALLEL logins into `dir` at once: every one exits 0 without a word on stderr, every profile is stored, no lock is left. */
async function loginAll(dir: string) {
  const names = Array.from({ length: PARALLEL }, (_, i) => `p${i}`);
  const results = await Promise.all(names.map((n) => login(dir, n)));
  for (const r of results) {
    expect(r.stderr).not.toMatch(/error|warning/);
    expect(r.code).toBe(0);
  }
  expect(storedProfiles(dir)).toEqual([...names].sort());
  expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  expect(existsSync(join(dir, `${LOCK_NAME}.takeover`))).toBe(false);
  return results;
}

describe(`${PARALLEL} logins at once into one config folder`, () => {
  it.each([1, 2])('round %i: every login exits 0 and every profile is stored', { timeout: 90_000 }, async () => {
    const results = await loginAll(tempConfigDir());
    // exactly one became current: the first to take the lock
    expect(results.filter((r) => r.stdout.includes('(now the current profile)'))).toHaveLength(1);
  });
});

describe(`${PARALLEL} logins at once over a lock left stale by a killed process`, () => {
  it.each([1, 2])(
    'round %i: one of them takes the stale lock over, every profile is stored',
    { timeout: 90_000 },
    async () => {
      const dir = tempConfigDir();
      const lock = join(dir, LOCK_NAME);
      mkdirSync(lock);
      utimesSync(lock, new Date('2020-01-01'), new Date('2020-01-01'));
      await loginAll(dir);
    },
  );
});

describe('a lock left by a killed process', () => {
  it('is recovered: the next login waits for it to go stale, then saves', { timeout: 60_000 }, async () => {
    const dir = tempConfigDir();
    expect((await login(dir, 'before')).code).toBe(0);
    // A holder that takes the lock as cluster does, then is killed without releasing it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('proper-lockfile').lock(process.argv[1], { realpath: false, lockfilePath: process.argv[2], stale: ${STALE_MS} }).then(() => { console.log('locked'); setInterval(() => {}, 1e9); })`, // held until killed (the lock's own timer does not keep it alive)
        join(dir, 'config.json'),
        join(dir, LOCK_NAME),
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => String(d).includes('locked') && resolve()));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('close', r));
    const lockedAt = statSync(join(dir, LOCK_NAME)).mtimeMs;

    const r = await login(dir, 'after');
    expect(r.stderr).not.toMatch(/error|warning/);
    expect(r.code).toBe(0);
    // it waited for the lock to go stale rather than ignore it (mtimes may be rounded to the second);
    // a lower bound on the time that passed, which a slower machine only makes truer
    expect(Date.now()).toBeGreaterThanOrEqual(lockedAt + STALE_MS - 1000);
    expect(storedProfiles(dir)).toEqual(['after', 'before']);
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });
});
