/**
 * The hostile-server fuzz: for every endpoint the tool reads, fast-check makes the answers (any
 * status, headers and body; poisoned text, wrong shapes, deep nesting, value bombs, HTML, the
 * credential reflected, bodies that never end) and every command that reads the endpoint runs
 * against them, piped, with colour forced and at a terminal, with and without --json. Whatever
 * comes: only documented exit codes, no stack trace, no control character of the server's on the
 * terminal, the credential nowhere in the output, valid JSON on stdout with --json, and memory
 * that stays bounded.
 *
 * `npm test` runs a fixed-seed sample (FUZZ_RUNS, default 150 per endpoint); `npm run fuzz` runs
 * 10,000 per endpoint (FUZZ_SEED to replay, FUZZ_RUNS to change the count). The endpoints are
 * split over two test files (fuzz-events, fuzz-config), which vitest runs in parallel.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hostileAnswer } from './arbitraries.js';
import { checkOutcome, MODES, READERS, runCase } from './run.js';
import { type Endpoint, type HostileServer, startHostileServer } from './server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? 20_251_208 : Number(process.env.FUZZ_SEED);
/** Resident memory may grow this much over a whole run (the caps keep any one answer far below). */
const MEMORY_BOUND = 200 * 1024 * 1024;

const ENDPOINTS = Object.keys(READERS) as Endpoint[];

/** The fuzz of these endpoints: concurrently, each against a server of its own (one case's wait for a timeout is another's time to run). */
export function fuzzEndpoints(endpoints: readonly Endpoint[]): void {
  let rssStart = 0;
  let rssPeak = 0;
  const figures: string[] = [];
  beforeAll(() => {
    rssStart = process.memoryUsage().rss;
  });
  afterAll(() => {
    if (process.env.FUZZ_REPORT)
      console.log(
        `${figures.join('\n')}\nRSS ${(rssStart / 2 ** 20).toFixed(0)} MB at the start, ${(rssPeak / 2 ** 20).toFixed(0)} MB at most`,
      );
  });

  describe.concurrent('hostile server fuzz', () => {
    for (const endpoint of endpoints) {
      it(`${endpoint}: ${RUNS} answers × its commands × output modes`, {
        timeout: Math.max(60_000, RUNS * 60),
      }, async () => {
        const server: HostileServer = await startHostileServer();
        onTestFinished(() => server.close());
        const readers = READERS[endpoint];
        const codes = new Map<number, number>();
        const started = performance.now();
        await fc.assert(
          fc.asyncProperty(
            hostileAnswer(endpoint),
            fc.integer({ min: 0, max: readers.length - 1 }),
            fc.constantFrom(...MODES),
            fc.boolean(),
            fc.integer({ min: 20, max: 200 }),
            async (answer, which, mode, json, columns) => {
              const c = readers[which]!;
              server.attack = { endpoint, answer };
              const o = await runCase(server.url, c, mode, json, columns);
              codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
              checkOutcome(o, json && c.json, c.name.startsWith('event watch'));
              const rss = process.memoryUsage().rss;
              rssPeak = Math.max(rssPeak, rss);
              expect(rss - rssStart).toBeLessThan(MEMORY_BOUND);
            },
          ),
          { numRuns: RUNS, seed: SEED + ENDPOINTS.indexOf(endpoint), endOnFailure: true },
        );
        const secs = (performance.now() - started) / 1000;
        const byCode = Object.fromEntries([...codes].sort((a, b) => a[0] - b[0]));
        figures.push(`${endpoint}: ${RUNS} cases in ${secs.toFixed(1)} s; exit codes ${JSON.stringify(byCode)}`);
      });
    }
  });
}
