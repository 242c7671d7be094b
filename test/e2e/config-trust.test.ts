/**
 * Another user's config file in a shared folder (CLUSTER_CONFIG_DIR on a /tmp-like sticky folder)
 * holding a token-command profile: `cluster` refuses it and never runs the command. Needs root to
 * give the file to another uid (root here and in CI; skipped otherwise). The built bin/cluster.js.
 */
import { chmodSync, chownSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { closedPort } from '../helpers/sim.js';

const isRoot = process.getuid?.() === 0;

async function sharedFolderWithPlantedConfig(owner: number) {
  const dir = tempConfigDir();
  chmodSync(dir, 0o1777);
  const marker = join(tempConfigDir(), 'token-command-ran');
  const config = {
    current: 'planted',
    profiles: {
      planted: {
        host: `http://127.0.0.1:${await closedPort()}`,
        auth: { kind: 'token-command', command: `touch ${marker}; echo tok` },
      },
    },
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config), { mode: 0o644 });
  chownSync(file, owner, owner);
  return { dir, file, marker };
}

describe.skipIf(!isRoot)('a config file planted by another user', () => {
  it.each([
    ['event', 'get', 'latest'],
    ['status', '--all-profiles'],
    ['auth', 'status', '--json'],
  ])('`cluster %s %s %s` refuses it (exit 1, the fix in a hint) and runs no token command', async (...args) => {
    const { dir, file, marker } = await sharedFolderWithPlantedConfig(4242);
    const r = await runCli([...args, '--retries', '0'], { env: { CLUSTER_CONFIG_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: refusing to use the config file ${file}: it is owned by uid 4242, not by you (uid 0)`,
    );
    expect(r.stderr).toContain(`hint: if you trust it, make it yours: \`chown 0 ${file} && chmod 600 ${file}\``);
    expect(existsSync(marker)).toBe(false);
  });

  it('the same file owned by the user is used: its token command runs (so the test above can fail)', async () => {
    const { dir, marker } = await sharedFolderWithPlantedConfig(0);
    const r = await runCli(['event', 'get', 'latest', '--retries', '0'], { env: { CLUSTER_CONFIG_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('connection refused');
    expect(existsSync(marker)).toBe(true);
  });
});
