/**
 * `event watch --exec` in-process against a server on a virtual clock, with real hooks (/bin/sh).
 * The clock waits for the hooks: before each wait moves virtual time on, every queued hook has run
 * (or, with `gate`, whatever the test waits for has happened), so hooks never race the clock and a
 * test's verdict does not depend on how fast the machine is. A hook that records its stdin and
 * environment (`RECORD`) leaves numbered files the test reads back in order.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCmdWatch, type WatchOptions, type WatchSeams, watchRun } from '../../src/commands/event/watch.js';
import type { HookJob } from '../../src/hooks/payload.js';
import type { WatchHooks } from '../../src/hooks/watch-hooks.js';
import { manualClock, type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import type { Clock } from '../../src/util/clock.js';
import { T0 } from '../watch/harness.js';
import { type FaultProxy, startFaultProxy, virtualClock } from '../watch/support.js';
import { tempConfigDir } from './cli.js';
import { argvOf, invoke } from './command.js';
import { type BufferIO, bufferIO } from './io.js';
import { running } from './process.js';

export const KEY = 'apikey:hook-secret-0123456789';

export interface HookWatch {
  code: number;
  io: BufferIO;
  sim: Simulator;
  /** Where the hooks write (`$HOOKS`). */
  dir: string;
  hooks: WatchHooks | undefined;
  /** Jobs in the order they started. */
  started: HookJob[];
  /** Lines on stdout. */
  lines(): string[];
  err(): string;
}

export interface HookWatchOptions {
  scenario: string | Scenario;
  /** Simulated history before T0 (default none). */
  history?: number;
  /** Ctrl-C after this many waits (default: never — the watch must end by itself). */
  polls?: number;
  /** Where simulated time starts (default T0). */
  start?: number;
  /** Extra environment for the watch (and so for the hooks). */
  env?: Record<string, string>;
  /** A fault proxy in front of the simulator (given the simulator's clock), for outages. */
  proxy?: (now: () => number) => (path: string) => 'drop' | 'bad-gateway' | undefined;
  /** What the clock waits for before moving on (default: every queued hook has run). */
  gate?: (h: WatchHooks, started: HookJob[], dir: string) => Promise<void>;
  /** Called before each wait moves time on, after the gate (to look at receivers between polls). */
  between?: (h: WatchHooks | undefined, now: number) => Promise<void>;
  /** No API key on the simulator. */
  open?: boolean;
  /** Called once the watch is over and its hooks are finishing; `interrupt` is a Ctrl-C. */
  onFinish?(interrupt: () => void, dir: string): void;
}

let closers: (() => Promise<void>)[] = [];

/** Close what `watchHooks` opened (call in afterEach). */
export async function closeHookWatches(): Promise<void> {
  await Promise.all(closers.map((c) => c()));
  closers = [];
}

export async function watchHooks(flags: Record<string, unknown>, o: HookWatchOptions): Promise<HookWatch> {
  const simClock = manualClock(o.start ?? T0);
  const sim = await startSimulator({
    clock: simClock,
    scenario: o.scenario,
    seed: 5,
    history: o.history ?? 0,
    ...(!o.open && { apiKey: KEY }),
  });
  closers.push(() => sim.close());
  let host = sim.url;
  if (o.proxy) {
    const proxy: FaultProxy = await startFaultProxy(sim.url);
    proxy.fault = o.proxy(() => simClock.now());
    closers.push(() => proxy.close());
    host = proxy.url;
  }
  const vclock = virtualClock(simClock);
  const ctl = new AbortController();
  const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-'));
  let hooks: WatchHooks | undefined;
  const started: HookJob[] = [];
  let waits = 0;
  const clock: Clock = {
    now: vclock.now,
    async sleep(ms, signal) {
      if (hooks) await (o.gate ? o.gate(hooks, started, dir) : hooks.idle());
      await o.between?.(hooks, vclock.now());
      if (o.polls !== undefined && ++waits > o.polls) ctl.abort('SIGINT');
      return vclock.sleep(ms, signal);
    },
  };
  const io = bufferIO({
    env: {
      CLUSTER_CONFIG_DIR: tempConfigDir(),
      ...(!o.open && { FELDERA_API_KEY: KEY }),
      PATH: process.env.PATH,
      HOOKS: dir,
      ...o.env,
    },
  });
  const seams: WatchSeams = {
    hooks(h) {
      hooks = h;
      const finish = h.finish;
      h.finish = (end) => {
        const finishing = finish(end);
        o.onFinish?.(() => ctl.abort('SIGINT'), dir);
        return finishing;
      };
    },
    onStart: (job) => started.push(job),
  };
  const r = await invoke(newCmdWatch, argvOf({ host, interval: '10s', ...flags }), {
    io,
    clock,
    signal: ctl.signal,
    runF: (opts: WatchOptions, ctx) => watchRun(opts, ctx, seams),
  });
  return {
    code: r.code,
    io,
    sim,
    dir,
    hooks,
    started,
    lines: () =>
      io
        .out()
        .split('\n')
        .filter((l) => l !== ''),
    err: () => io.err(),
  };
}

/** A hook that keeps its stdin and environment in numbered files, in the order it was run. */
export const RECORD =
  'n=$(ls "$HOOKS" | grep -c "json$"); f=$(printf "%03d" "$n"); cat > "$HOOKS/$f.json"; env | grep -E "^(CLUSTER_|FELDERA_|PAGERDUTY_)" | sort > "$HOOKS/$f.env"';

export interface Recorded {
  json: string[];
  env: Record<string, string>[];
}

/** What `RECORD` kept, in order. */
export function recorded(dir: string): Recorded {
  const files = readdirSync(dir).sort();
  const json = files.filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const env = files
    .filter((f) => f.endsWith('.env'))
    .map((f) =>
      Object.fromEntries(
        readFileSync(join(dir, f), 'utf8')
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    );
  return { json, env };
}

/** Wait (in real time, for a real process) until `cond` holds; fail after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`gave up waiting ${ms} ms for ${what}`);
}

/** Whether the process whose pid is in `file` is alive. */
export function alive(file: string): boolean {
  if (!existsSync(file)) return false;
  return running(Number(readFileSync(file, 'utf8').trim()));
}
