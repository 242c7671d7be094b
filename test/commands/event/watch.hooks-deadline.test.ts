/**
 * `--timeout` bounds a watch with hooks, and the hook queue is bounded (issue 17, item 2): a valid
 * list of 71,000 events (a server may send it, though Feldera keeps 1,000) replayed with
 * `--since 72h --timeout 15s --exec …` used to queue 71,000 hooks and run for 11 minutes at 386 MB.
 * Here, on a virtual clock: the client keeps the newest 2,000 of the list (api/limits.ts
 * MAX_LIST_EVENTS), and of their hooks the queue holds the newest 1,000 (the oldest are dropped, and said), and
 * at the deadline the running hook is stopped and the queued ones are not run (and said), exit 124.
 * The first hook never ends by itself; the clock moves on once it has started, so nothing races.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_EVENTS } from '../../../src/api/limits.js';
import type { ClusterEvent } from '../../../src/api/types.js';
import { newCmdWatch, type WatchOptions, watchRun } from '../../../src/commands/event/watch.js';
import { MAX_QUEUED, MAX_QUEUED_BYTES } from '../../../src/hooks/runner.js';
import type { WatchHooks } from '../../../src/hooks/watch-hooks.js';
import { manualClock } from '../../../src/simulator/index.js';
import type { Clock } from '../../../src/util/clock.js';
import { tempConfigDir } from '../../helpers/cli.js';
import { argvOf, invoke } from '../../helpers/command.js';
import { alive, until } from '../../helpers/hooks.js';
import { bufferIO } from '../../helpers/io.js';
import { T0 } from '../../watch/harness.js';
import { virtualClock } from '../../watch/support.js';

const COUNT = 71_000;

/** `count` valid events, newest first, 3 s apart up to `now` (under 72 h), every seventh unhealthy. */
function eventList(count: number, now: number): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t = now - 5_000 - i * 3_000;
    const ms = t.toString(16).padStart(12, '0');
    const tail = i.toString(16).padStart(12, '0');
    const bad = i % 7 === 3;
    out.push({
      id: `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${tail.slice(9)}-8${tail.slice(9)}-${tail}`,
      recorded_at: new Date(t).toISOString(),
      all_healthy: !bad,
      api_status: 'Healthy',
      compiler_status: 'Healthy',
      runner_status: bad ? 'Unhealthy' : 'Healthy',
    });
  }
  return out;
}

let server: Server;
let url = '';
const simClock = manualClock(T0);
let events: ClusterEvent[] = [];
beforeAll(async () => {
  events = eventList(COUNT, T0);
  const list = JSON.stringify(events);
  const latest = JSON.stringify(events[0]);
  server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '').split('?')[0];
    res.writeHead(200, { 'content-type': 'application/json', date: new Date(simClock.now()).toUTCString() });
    res.end(path === '/v0/cluster/events' ? list : latest);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('event watch --exec with --timeout and a huge valid list', () => {
  it('71,000 events: the newest 1,000 hooks wait, the oldest are dropped; at the deadline the hooks stop, exit 124', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-hooks-deadline-'));
    const pid = join(dir, 'pid');
    let hooks: WatchHooks | undefined;
    const vclock = virtualClock(simClock);
    const clock: Clock = {
      now: vclock.now,
      // The first hook never ends: the clock moves on once it has started (and written its pid).
      sleep: async (ms, signal) => {
        await until(() => existsSync(pid), 'the first hook to start');
        return vclock.sleep(ms, signal);
      },
    };
    const hook = 'echo "$CLUSTER_EVENT_ID" >> "$HOOKS/ran"; echo $$ > "$HOOKS/pid"; exec sleep 300';
    const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir(), PATH: process.env.PATH, HOOKS: dir } });
    const r = await invoke(newCmdWatch, argvOf({ host: url, since: '72h', timeout: '15s', exec: hook }), {
      io,
      clock,
      runF: (o: WatchOptions, ctx) => watchRun(o, ctx, { hooks: (h) => (hooks = h) }),
    });
    expect(r.code).toBe(124);
    const lines = io
      .out()
      .split('\n')
      .filter((l) => l !== '');
    // The client keeps the newest MAX_LIST_EVENTS of a list longer than Feldera's (api/limits.ts), and says so.
    const seen = events.slice(0, MAX_LIST_EVENTS);
    expect(lines).toHaveLength(seen.length);
    expect(io.err()).toContain('the server sent 71,000 events');
    const oldest = seen.at(-1)!.id;
    // The first event's hook ran (and was stopped); of the 1,999 after it, the newest 1,000 waited.
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe(`${oldest}\n`);
    const stats = hooks!.stats();
    expect(stats.started).toBe(1);
    expect(stats.peakQueued).toBe(MAX_QUEUED);
    expect(stats.peakQueuedBytes).toBeLessThanOrEqual(MAX_QUEUED_BYTES);
    expect(stats.dropped).toBe(seen.length - 1 - MAX_QUEUED);
    const err = io.err();
    const firstKept = events[MAX_QUEUED - 1]!.id;
    expect(err).toContain(
      `warning: the hook queue was full (at most 1000 wait): dropped ${(seen.length - 1 - MAX_QUEUED).toLocaleString('en-US')} waiting hooks, the oldest (the hook for event ${seen.at(-2)!.id} … the hook for event ${events[MAX_QUEUED]!.id}); the newest still run\n`,
    );
    expect(err).toContain(`warning: the hook for event ${oldest} was stopped: the watch's --timeout ran out\n`);
    expect(err).toContain(
      `warning: --timeout 15s ran out: stopped the hook for event ${oldest}; did not run 1,000 queued hooks (the hook for event ${firstKept} … the hook for event ${events[0]!.id})\n`,
    );
    expect(err).toMatch(/^error: timed out after 15s$/m);
    expect(alive(pid)).toBe(false);
  });
});
