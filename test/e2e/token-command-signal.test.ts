/**
 * A token command runs in a process group of its own (so that its time limit stops all it
 * started), which keeps the terminal's Ctrl-C from reaching it: `cluster` passes SIGINT and
 * SIGTERM on to the group, and then ends by the signal as before. The built bin/cluster.js; the
 * test waits for the command to have started (a file it writes), never for a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, tempConfigDir } from '../helpers/cli.js';
import { running } from '../helpers/process.js';
import { closedPort } from '../helpers/sim.js';

const posix = process.platform !== 'win32';

const alive = running;

async function until(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 3000; i++) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe.skipIf(!posix)('a signal while the token command runs', { timeout: 60_000 }, () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: cluster ends by it, and so does what the command started',
    async (sig) => {
      const dir = mkdtempSync(join(tmpdir(), 'token-signal-'));
      const pidFile = join(dir, 'pid');
      const child = spawn(
        process.execPath,
        [BIN, 'event', 'get', 'latest', '--host', `http://127.0.0.1:${await closedPort()}`, '--retries', '0'],
        {
          env: cleanEnv({
            CLUSTER_CONFIG_DIR: tempConfigDir(),
            FELDERA_AUTH_TOKEN_COMMAND: `sleep 1000 & echo $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; wait`,
          }),
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        child.on('close', (code, signal) => r({ code, signal })),
      );
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        expect(await until(() => existsSync(pidFile))).toBe(true);
        const sleeper = Number(readFileSync(pidFile, 'utf8'));
        child.kill(sig);
        const r = await ended;
        expect(r.signal).toBe(sig);
        expect(await until(() => !alive(sleeper))).toBe(true);
      } finally {
        clearTimeout(killer);
      }
    },
  );
});
