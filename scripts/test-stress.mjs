#!/usr/bin/env node
// `npm run test:stress`: the whole suite (`vitest run`) three times in a row while CPU hogs keep
// every core busy, as on a laptop doing other work or a shared CI runner. A test whose verdict
// depends on how fast real time passes fails here; none may.
//
// One hog per core (`node -e 'for(;;);'`), at the same priority as the tests: they compete for
// every core rather than yield to the tests. The hogs are killed on exit, on Ctrl-C and on SIGTERM.
// Prints each run's verdict, test counts and duration, and a final verdict; exits 1 if any run failed.
//
//   npm run test:stress [-- --runs N] [-- --hogs N]     (defaults: 3 runs, one hog per core)
//
// A run's whole output goes to a log file (named at the end of its line); a failed run's failures
// are printed too.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`error: --${name} wants a whole number, not ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(64);
  }
  return n;
}

const RUNS = option('runs', 3);
const HOGS = option('hogs', availableParallelism());

const hogs = [];
let current;
function cleanUp() {
  for (const h of hogs) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  if (current && current.exitCode === null) current.kill('SIGTERM');
}
process.on('exit', cleanUp);
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the hogs and the tests`);
    cleanUp();
    process.exit(128 + number);
  });
}

const minutes = (ms) => `${Math.floor(ms / 60_000)}m ${((ms % 60_000) / 1000).toFixed(0).padStart(2, '0')}s`;
const plain = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** One `vitest run`, its output into `log`; resolves to its exit code, duration and summary lines. */
function vitestRun(log) {
  return new Promise((resolve) => {
    const started = performance.now();
    const out = createWriteStream(log);
    current = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    current.stdout.pipe(out, { end: false });
    current.stderr.pipe(out, { end: false });
    current.on('close', (code, signal) => {
      out.end(() => {
        const text = plain(readFileSync(log, 'utf8'));
        const line = (label) => (text.match(new RegExp(`^\\s*${label}\\s+(.*)$`, 'm')) ?? [])[1] ?? '?';
        resolve({
          code: code ?? (signal ? 128 : 1),
          ms: performance.now() - started,
          files: line('Test Files'),
          tests: line('Tests'),
          failures: text.match(/^\s*(FAIL|×) .*$/gm) ?? [],
        });
      });
    });
  });
}

const logs = mkdtempSync(join(tmpdir(), 'cluster-stress-'));
for (let i = 0; i < HOGS; i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' }));
console.log(
  `test:stress: ${RUNS} runs of the whole suite beside ${HOGS} CPU hog${HOGS === 1 ? '' : 's'} ` +
    `(${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString()})`,
);

const results = [];
for (let run = 1; run <= RUNS; run++) {
  const log = join(logs, `run-${run}.log`);
  const r = await vitestRun(log);
  results.push(r);
  const verdict = r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`;
  console.log(`run ${run}: ${verdict} in ${minutes(r.ms)} · files ${r.files} · tests ${r.tests} · ${log}`);
  if (r.code !== 0) for (const f of [...new Set(r.failures)].slice(0, 20)) console.log(`    ${f.trim()}`);
}
cleanUp();

const failed = results.filter((r) => r.code !== 0).length;
console.log(
  failed === 0
    ? `test:stress: all ${RUNS} runs green under load (${results.map((r) => minutes(r.ms)).join(', ')})`
    : `test:stress: ${failed} of ${RUNS} runs failed under load`,
);
process.exit(failed === 0 ? 0 : 1);
