/**
 * Runs hooks one at a time, in the order they were queued: `/bin/sh -c CMD` with the job's
 * environment, its JSON on stdin, in a process group of its own so that a hook that outlives
 * `timeoutMs` is stopped whole (SIGTERM to the group, SIGKILL 2 s later — even when the shell
 * itself went at the SIGTERM, for what it started and ignores SIGTERM). A hook still running when
 * the process exits (a second Ctrl-C) has its group killed. A hook that fails, hangs or cannot
 * start is reported and the queue goes on: no failure of a hook stops the watch or skips the next
 * event. Its output is kept (the last 16 kB of each stream) for the report.
 *
 * The timeout runs on a real timer, not the injected clock: a hook is a real process.
 */
import type { HookJob } from './payload.js';

export interface HookResult {
  job: HookJob;
  /** Exit code, when it exited. */
  code: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** It could not be started (the error). */
  spawnError?: string;
  durationMs: number;
  stdout: string;
  stderr: string;
}

export interface HookRunner {
  push(job: HookJob): void;
  /** Queued or running. */
  pending(): number;
  /** Resolves once every queued hook has run. */
  drain(): Promise<void>;
}

export interface RunnerOptions {
  command: string;
  timeoutMs: number;
  report(r: HookResult): void;
  /** Grace between SIGTERM and SIGKILL after a timeout (default 2 s). */
  killGraceMs?: number;
}

const KEEP = 16 * 1024;

export function createHookRunner(opts: RunnerOptions): HookRunner {
  const queue: HookJob[] = [];
  let running: Promise<void> | undefined;
  const loop = async () => {
    for (let job = queue[0]; job; job = queue[0]) {
      opts.report(await runHook(job, opts));
      queue.shift();
    }
    running = undefined;
  };
  return {
    push(job) {
      queue.push(job);
      running ??= loop();
    },
    pending: () => queue.length,
    drain: () => running ?? Promise.resolve(),
  };
}

function keepTail(prev: string, chunk: Buffer): string {
  const s = prev + chunk.toString('utf8');
  return s.length > KEEP ? s.slice(-KEEP) : s;
}

async function runHook(job: HookJob, opts: RunnerOptions): Promise<HookResult> {
  const { spawn } = await import('node:child_process');
  const started = performance.now();
  const out = { stdout: '', stderr: '' };
  const done = (r: Pick<HookResult, 'code' | 'signal' | 'timedOut' | 'spawnError'>): HookResult => ({
    job,
    ...r,
    durationMs: performance.now() - started,
    ...out,
  });
  return new Promise<HookResult>((resolve) => {
    const child = spawn('/bin/sh', ['-c', opts.command], {
      env: job.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      kill = setTimeout(() => signalGroup('SIGKILL'), opts.killGraceMs ?? 2000);
    }, opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => (out.stdout = keepTail(out.stdout, c)));
    child.stderr.on('data', (c: Buffer) => (out.stderr = keepTail(out.stderr, c)));
    // A hook that does not read its stdin closes the pipe: that is its business, not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(job.stdin);
    // The process leaving (a second Ctrl-C ends it at once) takes the hook's group with it.
    const onExit = () => signalGroup('SIGKILL');
    process.on('exit', onExit);
    const finish = (r: Pick<HookResult, 'code' | 'signal' | 'timedOut' | 'spawnError'>) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      // After a timeout the SIGKILL stays due: the shell going at SIGTERM does not mean all it started did.
      if (kill && !timedOut) clearTimeout(kill);
      resolve(done(r));
    };
    child.on('error', (e) => finish({ code: null, signal: null, timedOut: false, spawnError: e.message }));
    // 'exit', not 'close': a process the hook left running in the background may hold its pipes open.
    child.on('exit', (code, signal) => {
      // Output already written is still in the pipes: read what is there, then let go of them.
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ code, signal, timedOut });
      });
    });
  });
}
