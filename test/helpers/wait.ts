import type { ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';

/**
 * Waiting for something a real process or socket does: poll `cond` until it holds. The bound only
 * turns a hang into a failure with a message; it is far above what any machine needs, so no
 * verdict depends on how fast real time passes.
 */
export async function until(cond: () => boolean, what = 'the condition', ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error(`gave up waiting ${ms} ms for ${what}`);
}

/**
 * Resolves when an entry called `name` appears in `dir` (even if it goes again at once), e.g. another
 * writer trying the config lock. Watching starts now, before the caller sets the other side going.
 */
export function whenCreated(dir: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, (_event, file) => {
      if (file !== name) return;
      watcher.close();
      resolve();
    });
    watcher.on('error', reject);
  });
}

/**
 * Stop a child process and wait until it is gone: a daemon may still write to its data folder
 * while it stops, so removing the folder right after the signal races it. SIGKILL after `ms`.
 */
export async function stopped(child: ChildProcess, ms = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), ms);
  await gone;
  clearTimeout(kill);
}
