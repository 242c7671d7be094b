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
const signalGroupOf = signalGroup;

function signalOne(pid: number | undefined, sig: NodeJS.Signals): void {
  try {
    if (pid !== undefined) process.kill(pid, sig);
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

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `forwardSignals`: Ctrl-C, SIGTERM and SIGHUP reach the group too (in a group of its own, the
 * child no longer gets the terminal's signals). When nothing else in the process listens for that
 * signal — a one-shot command, which ends by the signal's default action — the group is then
 * killed (SIGKILL: the process ends now, and a shell's background jobs ignore SIGINT) and the
 * signal raised again with the default action, so the process ends as it would have (130 / 143).
 */
export function guardGroup(
  child: { pid?: number | undefined },
  o: { timeoutMs: number; killGraceMs?: number; forwardSignals?: boolean; ownGroup?: boolean },
): GroupGuard {
  let timedOut = false;
  // A child left in this process's group (ownGroup false) is signalled alone: the group is ours.
  const signalGroup = o.ownGroup === false ? signalOne : signalGroupOf;
  const onExit = () => signalGroup(child.pid, 'SIGKILL');
  process.on('exit', onExit);
  const forwarders = (o.forwardSignals ? FORWARDED : []).map((sig) => {
    const forward = () => {
      signalGroup(child.pid, sig);
      if (process.listenerCount(sig) === 1) {
        // This process ends now: what the group started must not outlive it, even what ignores
        // the signal (a shell's background jobs ignore SIGINT), and no 'exit' event will come.
        signalGroup(child.pid, 'SIGKILL');
        unforward();
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, forward);
    return [sig, forward] as const;
  });
  const unforward = () => {
    for (const [sig, forward] of forwarders) process.off(sig, forward);
  };
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
      unforward();
      if (!timedOut) process.off('exit', onExit);
    },
  };
}
