/**
 * Lying clocks: a server whose `Date` header lies — `1` (which Date.parse reads as the year 2001),
 * the epoch, garbage, RFC 850 and asctime dates, or a well-formed date hours or days from the
 * truth — and whose latest all-healthy check has any age, in the past or in the future. The local
 * clock is right. Whatever the header says, the verdict is what the check's age by the local clock
 * makes it: stale past the limit or dated in the future (beyond a minute), healthy otherwise —
 * the same in status, status --json, event get latest, event list and the watch (issue 17, item 9).
 *
 * A few dozen cases in `npm test`; `npm run fuzz` runs FUZZ_RUNS / 20.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCmdGet } from '../../src/commands/event/get.js';
import { newCmdList } from '../../src/commands/event/list.js';
import { newCmdWatch } from '../../src/commands/event/watch.js';
import { newCmdStatus } from '../../src/commands/status.js';
import { STALE_DEFAULT_MS } from '../../src/domain/staleness.js';
import { tempConfigDir } from '../helpers/cli.js';
import { invoke, type NewCmd } from '../helpers/command.js';
import { bufferIO } from '../helpers/io.js';

const SEED = process.env.FUZZ_SEED === undefined ? 20_251_208 : Number(process.env.FUZZ_SEED);
const RUNS = process.env.FUZZ_RUNS === undefined ? 40 : Math.max(40, Math.round(Number(process.env.FUZZ_RUNS) / 20));
const LOCAL = Date.parse('2025-12-08T14:10:00Z');
const MIN = 60_000;
const ID = '019afe41-4c7c-72be-a474-68be688e548d';

interface Scene {
  /** Age of the latest check by the local clock (negative: dated in the future). */
  ageMs: number;
  /** The Date header sent, or undefined for none. */
  date: string | undefined;
}

/** What the server sends as its clock: the truth, none, or a lie (never within 5 minutes of the truth but off). */
const dateHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(new Date(LOCAL).toUTCString()),
  fc.constant(undefined),
  fc.constantFrom(
    '1',
    '0',
    'Thu, 01 Jan 1970 00:00:00 GMT',
    'Sat, 01 Jan 2000 00:00:00 GMT',
    'Monday, 08-Dec-25 14:10:00 GMT',
    'Mon Dec  8 14:10:00 2025',
    '2025-12-08T14:10:00Z',
    'yesterday',
    'Tue, 08 Dec 2025 14:10:00 GMT',
  ),
  fc
    .integer({ min: 6, max: 60 * 24 * 400 })
    .chain((m) => fc.constantFrom(m, -m))
    .map((m) => new Date(LOCAL + m * MIN).toUTCString()),
);

const scene: fc.Arbitrary<Scene> = fc.record({
  ageMs: fc.oneof(
    fc.integer({ min: 0, max: 40 * MIN }),
    fc.integer({ min: 50 * MIN, max: 72 * 60 * MIN }),
    fc.integer({ min: -72 * 60 * MIN, max: -2 * MIN }),
  ),
  date: dateHeader,
});

let server: Server;
let url = '';
let current: Scene = { ageMs: 0, date: undefined };

function answer(path: string): unknown {
  const at = new Date(LOCAL - current.ageMs).toISOString();
  const event = {
    id: ID,
    recorded_at: at,
    all_healthy: true,
    api_status: 'Healthy',
    compiler_status: 'Healthy',
    runner_status: 'Healthy',
  };
  const svc = { healthy: true, message: 'Healthy', unchanged_since: '2025-12-01T00:00:00Z', checked_at: at };
  if (path === '/v0/cluster/events') return [event];
  if (path.startsWith('/v0/cluster/events/')) return event;
  if (path === '/v0/cluster_healthz') return { all_healthy: true, api: svc, compiler: svc, runner: svc };
  if (path === '/v0/config') return { edition: 'Enterprise', version: '0.337.0', revision: 'abc' };
  return undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const body = answer((req.url ?? '').split('?')[0]!);
    res.sendDate = false;
    res.writeHead(body === undefined ? 404 : 200, {
      'content-type': 'application/json',
      ...(current.date !== undefined && { date: current.date }),
    });
    res.end(JSON.stringify(body ?? { message: 'no', error_code: 'NotFound' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

async function run(newCmd: NewCmd<unknown>, args: string[]) {
  let t = LOCAL;
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  const io = bufferIO({ env: { CLUSTER_CONFIG_DIR: tempConfigDir() } });
  const r = await invoke(newCmd, [...args, '--host', url, '--retries', '0'], { io, clock });
  return { code: r.code, out: io.out(), err: io.err() };
}

/** The verdict of each view. */
async function verdicts(): Promise<Record<string, string>> {
  const status = await run(newCmdStatus as NewCmd<unknown>, []);
  const json = await run(newCmdStatus as NewCmd<unknown>, ['--json']);
  const get = await run(newCmdGet as NewCmd<unknown>, ['latest', '--exit-status']);
  const list = await run(newCmdList as NewCmd<unknown>, []);
  const watch = await run(newCmdWatch as NewCmd<unknown>, ['--timeout', '15s', '--interval', '5s']);
  const byCode = (c: number) => ({ 0: 'healthy', 3: 'stale' })[c] ?? `exit ${c}`;
  return {
    status: /^verdict: (\w+)$/m.exec(status.out)?.[1] ?? status.err,
    'status exit': byCode(status.code),
    'status --json exit': byCode(json.code),
    'event get latest': /^verdict: (\w+)$/m.exec(get.out)?.[1] ?? get.err,
    'event get exit': byCode(get.code),
    'event list': list.out.split('\t')[2] ?? list.err,
    'event watch': watch.out.split('\n')[0]!.split(/\s+/)[1] ?? watch.err,
  };
}

describe('lying clocks', () => {
  it('a Date header that lies never changes the verdict the local clock gives', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scene, async (s) => {
        current = s;
        // Truthful or none: the local clock's verdict. A lie: not believed, the same.
        const want = s.ageMs > STALE_DEFAULT_MS || s.ageMs < -MIN ? 'stale' : 'healthy';
        const seen = await verdicts();
        for (const [view, v] of Object.entries(seen))
          expect(v, `${view} (age ${s.ageMs} ms, Date ${s.date})`).toBe(want);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('the named case: a 3-hour-old check with a Date header that echoes it is stale, exit 3, said', async () => {
    current = { ageMs: 3 * 60 * MIN, date: new Date(LOCAL - 3 * 60 * MIN + 5_000).toUTCString() };
    const r = await run(newCmdStatus as NewCmd<unknown>, []);
    expect(r.code).toBe(3);
    expect(r.out).toContain('verdict: stale');
    expect(r.err).toMatch(
      /warning: the clock of http:\/\/127\.0\.0\.1:\d+ \(its Date header\) is 2h 59m[ 0-9s]* behind this machine.s/,
    );
  });

  it('the named case: `Date: 1` is no date (not the year 2001)', async () => {
    current = { ageMs: 10 * MIN, date: '1' };
    const r = await run(newCmdGet as NewCmd<unknown>, ['latest', '--exit-status', '--verbose']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('the server sent no usable Date header');
  });
});
