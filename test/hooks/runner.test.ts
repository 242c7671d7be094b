/**
 * The hook runner with real /bin/sh processes: order, the bounded queue (the oldest waiting are
 * dropped, and the bytes it holds are capped), and `stop()` (nothing more runs, the running hook's
 * group is killed). Synchronised on what the hooks write, never on how long they take.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HookJob } from '../../src/hooks/payload.js';
import { createHookRunner, type HookResult, ready } from '../../src/hooks/runner.js';
import { alive, until } from '../helpers/hooks.js';

const made = (i: number, stdin: string): HookJob => ({ label: `job ${i}`, env: { N: String(i) }, stdin });
const job = (i: number, stdin = `${i}\n`) => ready(made(i, stdin));

function rig(command: string, o: { maxQueued?: number; maxQueuedBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-runner-'));
  const results: HookResult[] = [];
  const dropped: string[] = [];
  const runner = createHookRunner({
    command,
    timeoutMs: 60_000,
    baseEnv: () => ({ PATH: process.env.PATH ?? '', DIR: dir }),
    report: (r) => results.push(r),
    onDrop: (j) => dropped.push(j.label),
    ...o,
  });
  return { dir, runner, results, dropped };
}

describe('the hook runner', () => {
  it('runs in order with the job environment and stdin; a full queue drops the oldest waiting', async () => {
    // The first hook waits for a file, so that the queue fills behind it.
    const r = rig(
      '[ "$N" = 0 ] && while [ ! -e "$DIR/go" ]; do sleep 0.02; done; read -r x; echo "$N:$x" >> "$DIR/ran"',
      {
        maxQueued: 3,
      },
    );
    for (let i = 0; i < 10; i++) r.runner.push(job(i, `in${i}\n`));
    expect(r.runner.stats()).toMatchObject({ started: 1, queued: 3, dropped: 6, peakQueued: 3 });
    expect(r.dropped).toEqual(['job 1', 'job 2', 'job 3', 'job 4', 'job 5', 'job 6']);
    expect(r.runner.pending()).toBe(4);
    writeFileSync(join(r.dir, 'go'), '');
    await r.runner.drain();
    expect(readFileSync(join(r.dir, 'ran'), 'utf8')).toBe('0:in0\n7:in7\n8:in8\n9:in9\n');
    expect(r.results.map((x) => x.code)).toEqual([0, 0, 0, 0]);
  });

  it('the bytes waiting are capped too: big jobs push out the oldest, one always stays', async () => {
    const r = rig('while [ ! -e "$DIR/go" ]; do sleep 0.02; done', { maxQueued: 1000, maxQueuedBytes: 10_000 });
    for (let i = 0; i < 20; i++) r.runner.push(job(i, 'x'.repeat(3000)));
    const s = r.runner.stats();
    expect(s.queued).toBe(3);
    expect(s.peakQueuedBytes).toBeLessThanOrEqual(10_000);
    r.runner.push(job(99, 'y'.repeat(50_000)));
    expect(r.runner.stats().queued).toBe(1);
    writeFileSync(join(r.dir, 'go'), '');
    await r.runner.drain();
  });

  it('stop(): nothing queued runs, the running hook and what it started are killed', async () => {
    const r = rig('echo "$N" >> "$DIR/ran"; sh -c \'echo $$ > "$DIR/pid"; exec sleep 300\' & wait');
    for (let i = 0; i < 5; i++) r.runner.push(job(i));
    await until(() => alive(join(r.dir, 'pid')), 'the first hook to start');
    const { notRun, killed } = r.runner.stop();
    expect(killed?.label).toBe('job 0');
    expect(notRun.map((j) => j.label)).toEqual(['job 1', 'job 2', 'job 3', 'job 4']);
    await r.runner.drain();
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ stopped: true, signal: 'SIGKILL' });
    await until(() => !alive(join(r.dir, 'pid')), 'the hook group to be gone');
    expect(readFileSync(join(r.dir, 'ran'), 'utf8')).toBe('0\n');
    r.runner.push(job(9));
    expect(r.runner.pending()).toBe(0);
  });
});
