/**
 * A child started in a process group of its own (`spawn(…, { detached: true })`) is stopped
 * whole: what `/bin/sh -c` started — a pipeline, a `sleep` in the background — goes with the
 * shell. Used by hooks (`event watch --exec`) and token commands, which both run user commands
 * under a time limit:
 * - past `timeoutMs`, SIGTERM to the group, and SIGKILL `killGraceMs` later (even when the shell
 *   itself went at the SIGTERM: what it started may ignore SIGTERM);
 * - the process leaving (a second Ctrl-C, process.exit) takes the group with it while it runs.
 * The time limit is a real timer: the child is a real process.
 */

/** Signal the process group of a detached child; nothing when it is gone already. */
export function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

export interface GroupGuard {
  /** The time limit ran out (SIGTERM was sent). */
  timedOut(): boolean;
  /** SIGKILL the group now. */
  kill(): void;
  /** The child ended: stop watching. After a timeout the SIGKILL stays due, for what it left running. */
  release(): void;
}

export function guardGroup(
  child: { pid?: number | undefined },
  o: { timeoutMs: number; killGraceMs?: number },
): GroupGuard {
  let timedOut = false;
  const onExit = () => signalGroup(child.pid, 'SIGKILL');
  process.on('exit', onExit);
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, 'SIGTERM');
    // Does not keep the process alive: leaving before it fires kills the group too (onExit).
    const later = setTimeout(() => {
      signalGroup(child.pid, 'SIGKILL');
      process.off('exit', onExit);
    }, o.killGraceMs ?? 2000);
    later.unref();
  }, o.timeoutMs);
  return {
    timedOut: () => timedOut,
    kill: () => signalGroup(child.pid, 'SIGKILL'),
    release() {
      clearTimeout(timer);
      if (!timedOut) process.off('exit', onExit);
    },
  };
}
