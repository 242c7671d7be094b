/**
 * Runs hooks one at a time, in the order they were queued: `/bin/sh -c CMD` with the inherited
 * environment (`baseEnv`, asked at each start) and the job's `CLUSTER_*` variables, its stdin
 * written to the hook, in a process group of its own so that a hook that outlives `timeoutMs` is
 * stopped whole (SIGTERM to the group, SIGKILL 2 s later — even when the shell itself went at the
 * SIGTERM, for what it started and ignores SIGTERM). A hook still running when the process exits
 * (a second Ctrl-C) has its group killed. A hook that fails, hangs or cannot start is reported and
 * the queue goes on: no failure of a hook stops the watch or skips the next event. Its output is
 * kept (the last 16 kB of each stream) for the report.
 *
 * The queue is bounded — at most `maxQueued` jobs (1000) and `maxQueuedBytes` of what they will
 * hold (8 MiB, as each job estimates its size) wait — so a burst of events (a replay of 71,000)
 * cannot hold the process: past either bound the **oldest** waiting job is dropped (the newest ones
 * say what holds now) and `onDrop` is told. A job is built (its stdin and variables made) only when
 * it starts, so a dropped one costs next to nothing. `stop()` ends it all: nothing queued runs,
 * and the running hook's group is killed (SIGKILL, as a second Ctrl-C does).
 *
 * The timeout runs on a real timer, not the injected clock: a hook is a real process.
 */
import { guardGroup } from '../util/process-group.js';
import type { HookJob } from './payload.js';

/** A job waiting to run: built when it starts. */
export interface PendingJob {
  label: string;
  /** About how many bytes (UTF-16 code units) its stdin and variables will hold. */
  size: number;
  build(): HookJob;
}

/** A job made already, to queue as it is. */
export function ready(job: HookJob): PendingJob {
  let size = job.stdin.length + job.label.length;
  for (const [k, v] of Object.entries(job.env)) size += k.length + v.length;
  return { label: job.label, size, build: () => job };
}

export interface HookResult {
  job: HookJob;
  /** Exit code, when it exited. */
  code: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** It was killed by `stop()` (the watch's deadline). */
  stopped: boolean;
  /** It could not be started (the error). */
  spawnError?: string;
  durationMs: number;
  stdout: string;
  stderr: string;
}

export interface RunnerStats {
  /** Hooks started so far. */
  started: number;
  /** Queued and not yet started. */
  queued: number;
  /** Bytes of stdin and variables of the queued jobs (as they estimate them). */
  queuedBytes: number;
  /** The most that ever waited, in jobs and bytes. */
  peakQueued: number;
  peakQueuedBytes: number;
  /** Dropped from a full queue, oldest first. */
  dropped: number;
  /** The job running now. */
  running: HookJob | undefined;
}

export interface HookRunner {
  push(job: PendingJob): void;
  /** Queued or running. */
  pending(): number;
  /** Resolves once no hook is queued or running. */
  drain(): Promise<void>;
  /** Run nothing more: the queued jobs are returned (not run), the running hook's group is killed. */
  stop(): { notRun: PendingJob[]; killed: HookJob | undefined };
  stats(): RunnerStats;
}

export interface RunnerOptions {
  command: string;
  timeoutMs: number;
  /** The environment every hook inherits (the job's variables are added to it). */
  baseEnv: () => Record<string, string>;
  report(r: HookResult): void;
  /** Told when a hook starts (tests synchronise on it). */
  onStart?(job: HookJob): void;
  /** A job dropped from a full queue. */
  onDrop?(job: PendingJob): void;
  /** Grace between SIGTERM and SIGKILL after a timeout (default 2 s). */
  killGraceMs?: number;
  maxQueued?: number;
  maxQueuedBytes?: number;
}

/** The bounds of the queue of waiting hooks (README "Hooks"). */
export const MAX_QUEUED = 1000;
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

const KEEP = 16 * 1024;

/** A FIFO with O(1) removal at the front, so dropping the oldest of a full queue costs nothing. */
function fifo<T>() {
  let items: (T | undefined)[] = [];
  let head = 0;
  return {
    get length() {
      return items.length - head;
    },
    push: (x: T) => items.push(x),
    shift(): T | undefined {
      if (head >= items.length) return undefined;
      const x = items[head];
      items[head++] = undefined;
      if (head > 1024 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      return x;
    },
    clear(): T[] {
      const rest = items.slice(head) as T[];
      items = [];
      head = 0;
      return rest;
    },
  };
}

export function createHookRunner(opts: RunnerOptions): HookRunner {
  const maxQueued = opts.maxQueued ?? MAX_QUEUED;
  const maxBytes = opts.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  const queue = fifo<PendingJob>();
  const stats: RunnerStats = {
    started: 0,
    queued: 0,
    queuedBytes: 0,
    peakQueued: 0,
    peakQueuedBytes: 0,
    dropped: 0,
    running: undefined,
  };
  let running: Promise<void> | undefined;
  let stopped = false;
  let killRunning: (() => void) | undefined;

  const take = () => {
    const next = queue.shift();
    if (next) {
      stats.queued--;
      stats.queuedBytes -= next.size;
    }
    return next;
  };
  const loop = async () => {
    for (let next = take(); next && !stopped; next = take()) {
      const job = next.build();
      stats.running = job;
      stats.started++;
      opts.onStart?.(job);
      const hook = runHook(job, opts);
      killRunning = hook.kill;
      const r = await hook.result;
      killRunning = undefined;
      stats.running = undefined;
      opts.report(r);
    }
    running = undefined;
  };
  return {
    push(job) {
      if (stopped) return;
      queue.push(job);
      stats.queued++;
      stats.queuedBytes += job.size;
      while (stats.queued > maxQueued || (stats.queuedBytes > maxBytes && stats.queued > 1)) {
        const old = take();
        if (!old) break;
        stats.dropped++;
        opts.onDrop?.(old);
      }
      stats.peakQueued = Math.max(stats.peakQueued, stats.queued);
      stats.peakQueuedBytes = Math.max(stats.peakQueuedBytes, stats.queuedBytes);
      running ??= loop();
    },
    pending: () => stats.queued + (stats.running ? 1 : 0),
    drain: () => running ?? Promise.resolve(),
    stop() {
      stopped = true;
      const notRun = queue.clear();
      stats.queued = 0;
      stats.queuedBytes = 0;
      const killed = stats.running;
      killRunning?.();
      return { notRun, killed };
    },
    stats: () => ({ ...stats }),
  };
}

function keepTail(prev: string, chunk: Buffer): string {
  const s = prev + chunk.toString('utf8');
  return s.length > KEEP ? s.slice(-KEEP) : s;
}

type Outcome = Pick<HookResult, 'code' | 'signal' | 'timedOut' | 'spawnError'>;

function runHook(job: HookJob, opts: RunnerOptions): { result: Promise<HookResult>; kill: () => void } {
  const started = performance.now();
  const out = { stdout: '', stderr: '' };
  let killed = false;
  let kill = () => {
    killed = true;
  };
  const result = import('node:child_process').then(
    ({ spawn }) =>
      new Promise<HookResult>((resolve) => {
        const done = (r: Outcome): HookResult => ({
          job,
          ...r,
          stopped: killed,
          durationMs: performance.now() - started,
          ...out,
        });
        let child: import('node:child_process').ChildProcessWithoutNullStreams;
        try {
          child = spawn('/bin/sh', ['-c', opts.command], {
            env: { ...opts.baseEnv(), ...job.env },
            stdio: ['pipe', 'pipe', 'pipe'],
            detached: true,
          });
        } catch (e) {
          // An environment it cannot take (the values are cleaned, so this is a last resort).
          resolve(done({ code: null, signal: null, timedOut: false, spawnError: (e as Error).message }));
          return;
        }
        const guard = guardGroup(child, { timeoutMs: opts.timeoutMs, killGraceMs: opts.killGraceMs ?? 2000 });
        kill = () => {
          killed = true;
          guard.kill();
        };
        // stop() came while the child process module was loading.
        if (killed) kill();
        child.stdout.on('data', (c: Buffer) => (out.stdout = keepTail(out.stdout, c)));
        child.stderr.on('data', (c: Buffer) => (out.stderr = keepTail(out.stderr, c)));
        // A hook that does not read its stdin closes the pipe: that is its business, not an error.
        child.stdin.on('error', () => {});
        child.stdin.end(job.stdin);
        // The process leaving (a second Ctrl-C ends it at once) takes the hook's group with it (guardGroup);
        // after a timeout the SIGKILL stays due: the shell going at SIGTERM does not mean all it started did.
        const finish = (r: Outcome) => {
          guard.release();
          resolve(done(r));
        };
        child.on('error', (e) => finish({ code: null, signal: null, timedOut: false, spawnError: e.message }));
        // 'exit', not 'close': a process the hook left running in the background may hold its pipes open.
        child.on('exit', (code, signal) => {
          // Output already written is still in the pipes: read what is there, then let go of them.
          setImmediate(() => {
            child.stdout.destroy();
            child.stderr.destroy();
            finish({ code, signal, timedOut: guard.timedOut() });
          });
        });
      }),
  );
  return { result, kill: () => kill() };
}
