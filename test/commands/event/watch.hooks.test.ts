/**
 * `event watch --exec`: real hooks (/bin/sh) run by the watch command in-process, against the
 * simulator on a virtual clock. What a hook gets (stdin, environment, never the credential), the
 * order, `--exec-on change` (stale included), and hooks that fail or hang.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newCmdWatch } from '../../../src/commands/event/watch.js';
import { BACKLOG_WARN } from '../../../src/hooks/watch-hooks.js';
import { manualClock, type Simulator, startSimulator } from '../../../src/simulator/index.js';
import type { Clock } from '../../../src/util/clock.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, invoke } from '../../helpers/command.js';
import { type BufferIO, bufferIO } from '../../helpers/io.js';
import { T0 } from '../../watch/harness.js';
import { virtualClock } from '../../watch/support.js';

const KEY = 'apikey:hook-secret-0123456789';

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

interface Watched {
  code: number;
  io: BufferIO;
  sim: Simulator;
  dir: string;
}

/** Watch on a virtual clock (a wait moves time at once); after `polls` waits, Ctrl-C. Hooks run in real time. */
async function watch(
  flags: Record<string, unknown>,
  o: { scenario: string; history?: number; polls: number },
): Promise<Watched> {
  const simClock = manualClock(T0);
  const sim = await startSimulator({
    clock: simClock,
    scenario: o.scenario,
    seed: 5,
    history: o.history ?? 0,
    apiKey: KEY,
  });
  sims.push(sim);
  const vclock = virtualClock(simClock);
  const ctl = new AbortController();
  let waits = 0;
  const clock: Clock = {
    now: vclock.now,
    sleep: (ms, signal) => {
      if (++waits > o.polls) ctl.abort('SIGINT');
      return vclock.sleep(ms, signal);
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-'));
  const io = bufferIO({
    env: { CLUSTER_CONFIG_DIR: tempConfigDir(), FELDERA_API_KEY: KEY, PATH: process.env.PATH, HOOKS: dir },
  });
  const r = await invoke(newCmdWatch, argvOf({ host: sim.url, interval: '10s', ...flags }), {
    io,
    clock,
    signal: ctl.signal,
  });
  return { code: r.code, io, sim, dir };
}

/** A hook that keeps its stdin and environment in numbered files, in the order it was run. */
const RECORD =
  'n=$(ls "$HOOKS" | grep -c json); f=$(printf "%03d" "$n"); cat > "$HOOKS/$f.json"; env | grep -E "^(CLUSTER_|FELDERA_)" | sort > "$HOOKS/$f.env"';

function recorded(dir: string): { json: string[]; env: Record<string, string>[] } {
  const files = readdirSync(dir).sort();
  const json = files.filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const env = files
    .filter((f) => f.endsWith('.env'))
    .map((f) =>
      Object.fromEntries(
        readFileSync(join(dir, f), 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    );
  return { json, env };
}

describe('event watch --exec', () => {
  it('one hook per line, in order: the event JSON on stdin, CLUSTER_* in the environment, never the credential', async () => {
    const w = await watch({ json: true, exec: RECORD }, { scenario: 'flapping', polls: 40 });
    expect(w.code).toBe(130);
    const lines = w.io
      .out()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(3);
    const { json, env } = recorded(w.dir);
    // Every line printed got its hook, in order, with exactly that line on stdin.
    expect(json).toEqual(lines.map((l) => `${l}\n`));
    env.forEach((e, i) => {
      const event = JSON.parse(lines[i]!);
      expect(e.CLUSTER_EVENT_ID).toBe(event.id);
      expect(e.CLUSTER_RECORDED_AT).toBe(event.recorded_at);
      expect(e.CLUSTER_VERDICT).toBe(event.all_healthy ? 'healthy' : 'unhealthy');
      expect(e.CLUSTER_HOST).toBe(w.sim.url);
      expect(e.CLUSTER_PROFILE).toBe('');
      expect(Object.keys(e).filter((k) => k.startsWith('FELDERA_'))).toEqual([]);
      if (i > 0) {
        const before = JSON.parse(lines[i - 1]!);
        expect(e.CLUSTER_PREVIOUS_VERDICT).toBe(before.all_healthy ? 'healthy' : 'unhealthy');
        const changed = (['api', 'compiler', 'runner'] as const)
          .filter((s) => before[`${s}_status`] !== event[`${s}_status`])
          .map((s) => `${s}:${before[`${s}_status`]}>${event[`${s}_status`]}`);
        expect(e.CLUSTER_CHANGED).toBe(changed.join(','));
      } else {
        expect(e.CLUSTER_PREVIOUS_VERDICT).toBe('');
        expect(e.CLUSTER_CHANGED).toBe('');
      }
    });
    expect(env.some((e) => e.CLUSTER_CHANGED === 'runner:Healthy>Unhealthy')).toBe(true);
    expect(w.io.err()).not.toContain('warning');
  });

  it('--exec-on change: only lines whose verdict or a status changed — and the notice that the data went stale', async () => {
    const flapping = await watch({ exec: RECORD, execOn: 'change' }, { scenario: 'flapping', polls: 40 });
    const lines = flapping.io
      .out()
      .split('\n')
      .filter((l) => l !== '');
    const changedIds = lines.filter((l) => l.includes('changed: ')).map((l) => /id=(\S+)/.exec(l)![1]);
    expect(changedIds.length).toBeGreaterThan(1);
    expect(changedIds.length).toBeLessThan(lines.length);
    expect(recorded(flapping.dir).env.map((e) => e.CLUSTER_EVENT_ID)).toEqual(changedIds);

    // The recorder dies: no new event, but the newest one goes stale — the one change that matters most.
    const stalled = await watch(
      { exec: RECORD, execOn: 'change', staleAfter: '12m' },
      { scenario: 'stalled', polls: 150 },
    );
    expect(stalled.io.err()).toMatch(/the monitor has stopped recording/);
    const { env, json } = recorded(stalled.dir);
    expect(env.map((e) => [e.CLUSTER_VERDICT, e.CLUSTER_PREVIOUS_VERDICT, e.CLUSTER_CHANGED])).toEqual([
      ['stale', 'healthy', ''],
    ]);
    const last = stalled.io.out().trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(json[0]!).id).toBe(/id=(\S+)/.exec(last)![1]);
  });

  it('a failing hook is a warning with its last stderr line; the watch goes on and every later event still gets its hook', async () => {
    const hook = 'echo "$CLUSTER_EVENT_ID" >> "$HOOKS/ran"; echo "webhook said no (HTTP 500)" >&2; exit 7';
    const w = await watch({ exec: hook }, { scenario: 'flapping', polls: 40 });
    expect(w.code).toBe(130);
    const ids = w.io
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => /id=(\S+)/.exec(l)![1]);
    expect(readFileSync(join(w.dir, 'ran'), 'utf8').trim().split('\n')).toEqual(ids);
    const warnings = w.io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('warning: the hook'));
    expect(warnings).toEqual(
      ids.map((id) => `warning: the hook for event ${id} failed (exit 7): webhook said no (HTTP 500)`),
    );
    expect(w.io.err()).toMatch(/stopped after .*: 41 polls/);
  });

  it('a hanging hook is stopped after --exec-timeout (with what it started), reported, and the next one runs', async () => {
    const hook = 'echo "$CLUSTER_EVENT_ID" >> "$HOOKS/ran"; sleep 30; echo "not reached" >> "$HOOKS/ran"';
    const t = performance.now();
    const w = await watch({ exec: hook, execTimeout: '300ms' }, { scenario: 'flapping', polls: 12 });
    const ids = w.io
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => /id=(\S+)/.exec(l)![1]);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(performance.now() - t).toBeLessThan(ids.length * 300 + 5000); // not 30 s each
    expect(readFileSync(join(w.dir, 'ran'), 'utf8').trim().split('\n')).toEqual(ids);
    const warnings = w.io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('warning: the hook'));
    expect(warnings).toEqual(
      ids.map((id) => `warning: the hook for event ${id} ran longer than --exec-timeout 300ms and was stopped`),
    );
    expect(w.io.err()).toMatch(/^finishing \d+ hooks? \(Ctrl-C again to stop at once\)$/m);
  });

  it('--verbose shows what a hook printed; a hook that ignores its stdin is fine', async () => {
    const w = await watch({ exec: 'echo "posted $CLUSTER_VERDICT"', verbose: true }, { scenario: 'healthy', polls: 1 });
    expect(w.io.err()).toMatch(/^\* the hook for event \S+ finished in \d+ ms\n\* hook stdout: posted healthy$/m);
    expect(w.io.err()).not.toContain('hook-secret');
  });

  it('hooks slower than the events: a warning once, and every event still gets its hook in order', async () => {
    const hook = 'echo "$CLUSTER_EVENT_ID" >> "$HOOKS/ran"; sleep 0.05';
    const w = await watch({ exec: hook, since: '45m' }, { scenario: 'flapping', history: 3_600_000, polls: 1 });
    const ids = w.io
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => /id=(\S+)/.exec(l)![1]);
    expect(ids.length).toBeGreaterThan(BACKLOG_WARN + 1);
    expect(w.io.err().match(/^warning: \d+ hooks are waiting: the hook is slower than the events/gm)).toHaveLength(1);
    expect(readFileSync(join(w.dir, 'ran'), 'utf8').trim().split('\n')).toEqual(ids);
  });

  it('Ctrl-C while the hooks of a finished watch (--timeout) still run: said, and they finish', async () => {
    const simClock = manualClock(T0);
    const sim = await startSimulator({ clock: simClock, scenario: 'healthy', seed: 5, history: 3_600_000 });
    sims.push(sim);
    const vclock = virtualClock(simClock);
    const ctl = new AbortController();
    const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-'));
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir(), PATH: process.env.PATH, HOOKS: dir } });
    setTimeout(() => ctl.abort('SIGINT'), 300);
    const r = await invoke(
      newCmdWatch,
      argvOf({ host: sim.url, exec: 'sleep 1; echo done >> "$HOOKS/ran"', timeout: '1m' }),
      { io, clock: vclock, signal: ctl.signal },
    );
    expect(r.code).toBe(124);
    expect(io.err()).toMatch(/^finishing \d+ hooks? \(Ctrl-C again to stop at once\)$/m);
    const lines = io
      .out()
      .split('\n')
      .filter((l) => l !== '').length;
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe('done\n'.repeat(lines));
  });
});
