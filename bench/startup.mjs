#!/usr/bin/env node
// Start-up benchmark: `cluster event get latest` against the built-in simulator, compared in the
// same run with `node -e 0` (the floor for any Node CLI), a plain `fetch` script doing the same
// request, and curl when present. Runs alternate, several rounds; prints medians and ratios.
// Target: `event get latest` within 1.5x of `node -e 0`.
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
const base = median(times.get('node -e 0'));
console.log(`${rounds} rounds, alternating; medians (ms) and ratio to node -e 0`);
for (const [name] of cases) {
  const m = median(times.get(name));
  console.log(`${name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}x`);
}
const ratio = median(times.get('cluster event get latest')) / base;
console.log(`\nevent get latest / node -e 0 = ${ratio.toFixed(2)}x (target <= 1.50x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
