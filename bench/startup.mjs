#!/usr/bin/env node
// Start-up benchmark: `cluster event get latest` against the built-in simulator, compared in the
// same run with `node -e 0` (the floor for any Node CLI), a plain node:http script and a plain
// `fetch` script doing the same request, and curl when present. Runs alternate, several rounds;
// prints medians (and minimums, the least disturbed runs on a busy machine) and their ratios.
// Target: `event get latest` within 1.5x of `node -e 0`.
//
// Where the time goes (CPU profiles, `node --cpu-prof --cpu-prof-interval 50`, and timestamps):
// Node's own start-up; reading + compiling dist/cli.cjs (~8 ms; see esbuild.config.mjs for how
// the build keeps it small); building the command tree and parsing (~4 ms, mostly first-call
// compilation of commander); node:http and the stdout pipe (~7 ms, as for any HTTP client); the
// server's answer. A plain node:http script is therefore the practical floor for this command.
//
//   npm run build && node bench/startup.mjs [rounds]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 30);
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cluster.js');
const sim = spawn(process.execPath, [bin, 'simulate', '--port', '0', '--seed', '1', '--history', '1h'], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((resolve) => {
  let buf = '';
  sim.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(buf.split('\n')[0].trim());
  });
});
const env = { ...process.env, FELDERA_HOST: url, CLUSTER_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'cluster-bench-')), NO_COLOR: '1' };
const latest = `${url}/v0/cluster/events/latest?selector=status`;

const cases = [
  ['node -e 0', [process.execPath, '-e', '0']],
  ['cluster event get latest', [process.execPath, bin, 'event', 'get', 'latest']],
  ['cluster event get latest --json', [process.execPath, bin, 'event', 'get', 'latest', '--json']],
  ['cluster --version', [process.execPath, bin, '--version']],
  ['node http script', [process.execPath, '-e', `require('node:http').get(${JSON.stringify(latest)},(r)=>{let b='';r.on('data',(d)=>b+=d);r.on('end',()=>process.stdout.write(b))})`]],
  ['node fetch script', [process.execPath, '-e', `fetch(${JSON.stringify(latest)}).then(r=>r.text()).then(t=>process.stdout.write(t))`]],
];
if (spawnSync('curl', ['--version']).status === 0) cases.push(['curl', ['curl', '-s', latest]]);

const times = new Map(cases.map(([name]) => [name, []]));
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, argv] of cases) {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0) {
      console.error(`${name} failed (${res.status}): ${res.stderr}`);
      process.exit(1);
    }
    if (r >= 2) times.get(name).push(ms); // two warm-up rounds
  }
}
sim.kill('SIGTERM');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const min = (xs) => Math.min(...xs);
const base = median(times.get('node -e 0'));
const baseMin = min(times.get('node -e 0'));
console.log(`${rounds} rounds, alternating; median and minimum (ms), each with its ratio to node -e 0`);
for (const [name] of cases) {
  const m = median(times.get(name));
  const lo = min(times.get(name));
  console.log(
    `${name.padEnd(34)} median ${m.toFixed(1).padStart(7)} ms ${(m / base).toFixed(2)}x   min ${lo.toFixed(1).padStart(7)} ms ${(lo / baseMin).toFixed(2)}x`,
  );
}
const ratio = median(times.get('cluster event get latest')) / base;
const ratioMin = min(times.get('cluster event get latest')) / baseMin;
console.log(
  `\nevent get latest / node -e 0 = ${ratio.toFixed(2)}x median, ${ratioMin.toFixed(2)}x min (target <= 1.50x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
);
