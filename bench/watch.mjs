#!/usr/bin/env node
// Watch benchmark: the `event watch` engine against the simulator (a child process running
// `cluster simulate` at high --speed, so simulated time runs while we poll), for N polls,
// compared in the same run with a naive poller that asks `latest?selector=all` every round (what
// a health page does). Prints, per case: bytes received per poll (status line + headers + body)
// for both and their ratio, requests per poll, what an unchanged poll costs, and the watcher's
// resident memory at the start and the end.
//
// Needs `npm run build` (the simulator runs as `bin/cluster.js simulate`); the engine and client
// are bundled from src/ with esbuild for the run.
//
// Targets: an unchanged poll = exactly one request and one status answer; RSS grows < 10 MB.
//
// Cases:
//   interval — what `cluster event watch` costs on a healthy cluster with 72 h of history (the list
//              holds ~430 events): the default --interval 10s with its jitter and the engine's own
//              scheduling, on the simulator's manual clock (in this process), so 10,000 polls =
//              28 simulated hours in seconds;
//   steady   — the same cluster as a `cluster simulate --speed 20000` child, polled back to back
//              (each poll ~10 s of simulated time, the engine's schedule ignored);
//   busy     — the runner flaps (fails 90 s of every 3 min), `--speed 600` child, back to back.
//
// The engine is driven directly (`step()`): the CLI's 1-second minimum interval does not apply
// here, which is the point — 10,000 polls in seconds instead of 28 hours.
//
//   npm run build && node --expose-gc --max-semi-space-size=1 bench/watch.mjs [polls] [case…]
//
// `--max-semi-space-size=1` keeps V8's young generation at 1 MB: back-to-back polling (2,000 a
// second) otherwise makes V8 grow it to its 16 MB maximum, which shows as ~15–30 MB of RSS that
// is not retained data (a bare client loop without the engine shows the same); a watcher polling
// every few seconds never triggers that growth. The heap used after a full GC is printed too.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSources } from './sources.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const polls = Number(process.argv[2] ?? 10_000);
const CASES = {
  interval: { scenario: 'healthy', history: '72h', intervalMs: 10_000 },
  steady: { scenario: 'healthy', speed: 20_000, history: '72h' },
  busy: { scenario: 'flapping', speed: 600, history: '6h' },
};
const wanted = process.argv.slice(3).length ? process.argv.slice(3) : Object.keys(CASES);

// The engine and client from src/, bundled for this run (dist/ is a bundle of the CLI only).
const { createWatcher, createClient, resolveConnection, systemClock, startSimulator, manualClock } = await loadSources(
  'watch-bench',
  [
    "export { createWatcher } from './src/watch/engine.ts';",
    "export { createClient } from './src/api/client.ts';",
    "export { resolveConnection } from './src/config/connection.ts';",
    "export { systemClock } from './src/util/clock.ts';",
    "export { startSimulator, manualClock } from './src/simulator/index.ts';",
  ],
);

const gc = globalThis.gc ?? (() => {});
const mb = (n) => (n / 1_048_576).toFixed(1);
const settle = () => {
  gc();
  gc();
  return process.memoryUsage();
};

async function startSim({ scenario, speed, history, intervalMs }) {
  if (intervalMs) {
    // In this process, on a manual clock: the engine's waits move simulated time.
    const sim = await startSimulator({ scenario, history: 72 * 3_600_000, seed: 1, clock: manualClock(Date.now()) });
    const clock = {
      now: () => Math.floor(sim.clock.now()),
      sleep: (ms) => {
        sim.clock.advance(ms);
        return new Promise((r) => setImmediate(r));
      },
    };
    return { sim: { kill: () => sim.close() }, url: sim.url, clock };
  }
  const sim = spawn(
    process.execPath,
    [
      join(root, 'bin/cluster.js'),
      'simulate',
      '--port',
      '0',
      '--speed',
      String(speed),
      '--scenario',
      scenario,
      '--history',
      history,
      '--seed',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    sim.on('exit', (c) => reject(new Error(`simulator exited (${c})`)));
    sim.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0].trim());
    });
  });
  return { sim, url, clock: undefined };
}

async function runWatcher(conn, clock, intervalMs) {
  const client = await createClient(conn, { keepAlive: true });
  // What the engine asked for, per poll, beside the transport's own request count.
  const calls = { status: 0, all: 0, list: 0 };
  const counted = {
    getEvent: (id, selector = 'status') => {
      calls[selector === 'all' ? 'all' : 'status']++;
      return client.getEvent(id, selector);
    },
    listEvents: () => {
      calls.list++;
      return client.listEvents();
    },
    refreshCredential: () => client.refreshCredential(),
    stats: () => client.stats(),
  };
  let events = 0;
  const w = createWatcher({
    client: counted,
    clock: clock ?? systemClock,
    intervalMs: intervalMs ?? 0,
    jitter: intervalMs ? 0.1 : 0,
    observer: { event: () => events++ },
  });
  // With a simulated clock the engine's own schedule is kept (waits move simulated time).
  const step = async () => {
    const o = await w.step();
    if (clock && !o.done) await clock.sleep(o.delayMs);
    return o;
  };
  const mPre = settle();
  for (let i = 0; i < 1000; i++) await step(); // warm up: modules loaded, connection open, JIT, first list read
  const m0 = settle();
  const s0 = client.stats();
  const c0 = { ...calls };
  let changed = 0;
  let unchanged = 0;
  let unchangedOk = 0;
  let unchangedBytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < polls; i++) {
    const before = client.stats();
    const cb = { ...calls };
    const o = await step();
    if (o.done) throw new Error(`watcher ended: ${JSON.stringify(o.end)}`);
    const after = client.stats();
    if (o.changed) {
      changed++;
      continue;
    }
    unchanged++;
    unchangedBytes += after.bytesReceived - before.bytesReceived;
    const oneStatus = calls.status - cb.status === 1 && calls.list === cb.list && calls.all === cb.all;
    if (after.requests - before.requests === 1 && oneStatus) unchangedOk++;
  }
  const ms = performance.now() - t0;
  const s1 = client.stats();
  const m1 = settle();
  client.close();
  return {
    ms,
    mPre,
    m0,
    m1,
    requests: s1.requests - s0.requests,
    bytes: s1.bytesReceived - s0.bytesReceived,
    lists: calls.list - c0.list,
    alls: calls.all - c0.all,
    changed,
    unchanged,
    unchangedOk,
    unchangedBytes,
    events,
  };
}

async function runNaive(conn, clock, intervalMs) {
  const client = await createClient(conn, { keepAlive: true });
  const round = async () => {
    await client.getEvent('latest', 'all');
    if (clock) await clock.sleep(intervalMs);
  };
  for (let i = 0; i < 200; i++) await round();
  const s0 = client.stats();
  const t0 = performance.now();
  for (let i = 0; i < polls; i++) await round();
  const ms = performance.now() - t0;
  const s1 = client.stats();
  client.close();
  return { ms, requests: s1.requests - s0.requests, bytes: s1.bytesReceived - s0.bytesReceived };
}

const flags = process.execArgv.join(' ') || '(none)';
console.log(`event watch engine vs naive poller, ${polls} polls each; node ${process.version}, flags: ${flags}`);
if (!globalThis.gc) console.log('(run with --expose-gc for settled memory figures)');
let ok = true;
for (const name of wanted) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name} (known: ${Object.keys(CASES).join(', ')})`);
  const { sim, url, clock } = await startSim(c);
  try {
    const conn = resolveConnection({ host: url, retries: '0' }, {}, { profiles: {} });
    const w = await runWatcher(conn, clock, c.intervalMs);
    const n = await runNaive(conn, clock, c.intervalMs);
    const perPoll = w.bytes / polls;
    const naivePerPoll = n.bytes / polls;
    const growth = w.m1.rss - w.m0.rss;
    const pass = w.unchangedOk === w.unchanged && w.alls === 0 && growth < 10 * 1_048_576;
    ok &&= pass;
    console.log(
      [
        '',
        `[${name}] scenario ${c.scenario}, --history ${c.history}, ${c.speed ? `--speed ${c.speed}, polled back to back` : `simulated clock, --interval ${c.intervalMs / 1000}s with jitter`}`,
        `  watcher : ${(w.requests / polls).toFixed(3)} requests/poll (${w.requests} = ${w.requests - w.lists} latest?selector=status + ${w.lists} lists); ${w.changed} polls saw ${w.events} new events`,
        `  watcher : ${perPoll.toFixed(1)} B/poll overall; an unchanged poll ${(w.unchangedBytes / Math.max(1, w.unchanged)).toFixed(1)} B; a list ${w.lists ? ((w.bytes - w.unchangedBytes - (w.changed * w.unchangedBytes) / Math.max(1, w.unchanged)) / w.lists / 1000).toFixed(1) : '-'} kB`,
        `  naive   : ${(n.requests / polls).toFixed(3)} requests/poll, ${naivePerPoll.toFixed(1)} B/poll (latest?selector=all)`,
        `  ratio   : naive/watcher ${(naivePerPoll / perPoll).toFixed(2)}x overall; naive/unchanged poll ${(naivePerPoll / (w.unchangedBytes / Math.max(1, w.unchanged))).toFixed(2)}x`,
        `  time    : watcher ${(w.ms / polls).toFixed(3)} ms/poll, naive ${(n.ms / polls).toFixed(3)} ms/poll (loopback, for comparison only)`,
        `  memory  : RSS ${mb(w.m0.rss)} MB at start, ${mb(w.m1.rss)} MB at end (${growth >= 0 ? '+' : ''}${mb(growth)} MB); heap used ${mb(w.m0.heapUsed)} → ${mb(w.m1.heapUsed)} MB; before the 1000-poll warm-up RSS ${mb(w.mPre.rss)} MB`,
        `  targets : unchanged poll = 1 request, 1 status answer: ${w.unchangedOk}/${w.unchanged} ${w.unchangedOk === w.unchanged ? 'PASS' : 'FAIL'}; ` +
          `selector=all never asked: ${w.alls === 0 ? 'PASS' : 'FAIL'}; RSS growth < 10 MB: ${growth < 10 * 1_048_576 ? 'PASS' : 'FAIL'}`,
      ].join('\n'),
    );
  } finally {
    sim.kill('SIGTERM');
  }
}
process.exitCode = ok ? 0 : 1;
