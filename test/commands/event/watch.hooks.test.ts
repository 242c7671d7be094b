/**
 * `event watch --exec`: real hooks (/bin/sh) run by the watch command in-process, against the
 * simulator on a virtual clock. What a hook gets (stdin, environment, never the credential), the
 * order, `--exec-on change` (stale included), and hooks that fail or hang. The clock waits for the
 * hooks (test/helpers/hooks.ts): a hook never races it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKLOG_WARN } from '../../../src/hooks/watch-hooks.js';
import { alive, closeHookWatches, RECORD, recorded, until, watchHooks } from '../../helpers/hooks.js';

afterEach(closeHookWatches);

/** Watch on a virtual clock that waits for the hooks; after `polls` waits, Ctrl-C. */
const watch = (flags: Record<string, unknown>, o: { scenario: string; history?: number; polls: number }) =>
  watchHooks(flags, o);

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
    // 1 s: time enough for even a loaded machine to start the shell and write the id before it is stopped
    const w = await watch({ exec: hook, execTimeout: '1s' }, { scenario: 'flapping', polls: 12 });
    const ids = w.io
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => /id=(\S+)/.exec(l)![1]);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(w.dir, 'ran'), 'utf8').trim().split('\n')).toEqual(ids);
    const warnings = w.io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('warning: the hook'));
    expect(warnings).toEqual(
      ids.map((id) => `warning: the hook for event ${id} ran longer than --exec-timeout 1s and was stopped`),
    );
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

  it('--until ends the watch while a hook still runs: it finishes; a Ctrl-C meanwhile is said, and waited for', async () => {
    // The hook waits for a file the test writes once it has pressed Ctrl-C: no race with real time.
    const hook = 'while [ ! -e "$HOOKS/go" ]; do sleep 0.02; done; echo done >> "$HOOKS/ran"';
    const w = await watchHooks(
      { exec: hook, until: 'healthy' },
      {
        scenario: 'healthy',
        history: 3_600_000,
        onFinish(interrupt, dir) {
          interrupt();
          writeFileSync(join(dir, 'go'), '');
        },
      },
    );
    expect(w.code).toBe(0);
    expect(w.err()).toMatch(/^finishing 1 hook \(Ctrl-C again to stop at once\)$/m);
    expect(readFileSync(join(w.dir, 'ran'), 'utf8')).toBe('done\n');
  });

  it('--timeout is a deadline for the hooks too: after --until, a hook still running at it is stopped and said', async () => {
    const hook = 'echo $$ > "$HOOKS/pid"; exec sleep 300';
    const w = await watchHooks(
      { exec: hook, until: 'healthy', timeout: '1m' },
      {
        scenario: 'healthy',
        history: 3_600_000,
        // Move the clock to the deadline once the hook has started (it would never finish).
        gate: (_h, _started, dir) => until(() => existsSync(join(dir, 'pid')), 'the hook to start'),
      },
    );
    expect(w.code).toBe(124);
    const id = /id=(\S+)/.exec(w.lines()[0]!)![1];
    expect(w.err()).toContain(`warning: the hook for event ${id} was stopped: the watch's --timeout ran out\n`);
    expect(w.err()).toContain(`warning: --timeout 1m ran out: stopped the hook for event ${id}\n`);
    expect(w.err()).toMatch(/^error: timed out after 1m: the hooks had not finished$/m);
    expect(alive(join(w.dir, 'pid'))).toBe(false);
  });
});
