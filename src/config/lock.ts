/**
 * One writer of the config file at a time, across processes: every read-modify-write of
 * `config.json` runs while holding `config.json.lock` (proper-lockfile: a folder made with mkdir,
 * which is atomic on local and network file systems). Without it, 20 logins started together left
 * one profile out of 20.
 *
 * A holder refreshes the lock's mtime every STALE_MS / 2; a lock not refreshed for STALE_MS is
 * taken to be left by a killed process and is removed, so a `kill -9` during a login costs the next
 * writer at most a few seconds. Waiting for a live holder gives up after about WAIT_MS.
 *
 * Taking the lock goes through a guard (`config.json.lock.takeover`, another mkdir): proper-lockfile
 * removes a stale lock and then makes its own, and two processes doing that at once would both
 * think they hold it (one removing the other's fresh lock) — 20 logins over a stale lock lost
 * profiles. Under the guard only one process at a time may find the lock stale and replace it.
 * The guard is held for a few milliseconds; one older than GUARD_STALE_MS was left by a process
 * killed in between and is removed.
 */
import { lstatSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { fileKind } from './trusted-read.js';

/** A lock whose mtime has not moved for this long belongs to a process that died. */
export const STALE_MS = 5_000;

/** How long to wait for a live holder: longer than STALE_MS, so a dead one's lock is recovered meanwhile. */
const WAIT_MS = 15_000;

export const LOCK_NAME = 'config.json.lock';

const GUARD_STALE_MS = 2_000;

/** Enter the guard; false when another process is in it (or just left a dead one, now removed). */
function enterGuard(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  try {
    if (Date.now() - statSync(path).mtimeMs > GUARD_STALE_MS) rmdirSync(path);
  } catch {
    // gone meanwhile: the next try may enter
  }
  return false;
}

function leaveGuard(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // removed as dead by another process after a long stall: nothing to do
  }
}

/**
 * Run `fn` holding the config folder's lock; the lock is released whatever `fn` does. A lock held
 * by a live process or lost midway is a CliError; a folder that cannot be written throws the
 * file system's error as it is.
 */
export async function withConfigLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  const lockfile = await import('proper-lockfile');
  const target = join(dir, 'config.json');
  const lockfilePath = join(dir, LOCK_NAME);
  let lost: Error | undefined;
  const options = {
    realpath: false, // the file need not exist yet
    lockfilePath,
    stale: STALE_MS,
    // Only when the event loop stalled for more than STALE_MS while holding it: the write is refused below.
    onCompromised: (e: Error) => {
      lost = e;
    },
  };
  // Waiting is done here rather than with proper-lockfile's `retries`, which would also retry a
  // folder that cannot be written (EACCES) for as long as it waits for a holder.
  const guard = `${lockfilePath}.takeover`;
  // The lock and its guard are folders; anything else there (a FIFO or a file planted in a shared
  // folder) is said at once, not waited on as a lock held.
  for (const path of [lockfilePath, guard]) {
    const there = lstatSync(path, { throwIfNoEntry: false });
    if (there && !there.isDirectory())
      throw new CliError(`refusing to use the lock ${path}: it is ${fileKind(there)}, not the folder cluster makes`, {
        hint: `remove it (\`rm ${path}\`), or choose your own folder with CLUSTER_CONFIG_DIR`,
        kind: 'config',
      });
  }
  const deadline = Date.now() + WAIT_MS;
  let release: () => Promise<void>;
  for (let wait = 10; ; wait = Math.min(wait * 1.5, 200)) {
    if (enterGuard(guard)) {
      try {
        release = await lockfile.lock(target, options);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() + wait > deadline)
          throw lockError(lockfilePath, e);
      } finally {
        leaveGuard(guard);
      }
    } else if (Date.now() + wait > deadline) {
      throw lockError(lockfilePath, Object.assign(new Error('locked'), { code: 'ELOCKED' }));
    }
    await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
  }
  try {
    const out = await fn();
    if (lost) throw lockError(lockfilePath, lost);
    return out;
  } finally {
    await release().catch(() => undefined); // already gone (compromised): nothing to release
  }
}

function lockError(lockfilePath: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOCKED') {
    return new CliError(`the config file is being changed by another cluster process (lock ${lockfilePath} is held)`, {
      hint: `try again; if no other cluster command is running, the lock is removed by itself after ${STALE_MS / 1000} s`,
      kind: 'config',
    });
  }
  if (code === 'ECOMPROMISED') {
    return new CliError(
      `the lock ${lockfilePath} was lost while the config file was being changed; the change may not have been saved`,
      {
        hint: 'run the command again',
        kind: 'config',
      },
    );
  }
  return e; // the folder cannot be written: the caller says so, naming the config file
}
