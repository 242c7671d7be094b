#!/usr/bin/env node
// Start-up benchmark, measured as a user runs the tool: whole processes against the built-in
// simulator on loopback, every case alternating with its baselines in the same rounds, medians.
// Prints one table for the Node it runs on, each ratio with its target beside it:
//
//   event get latest    / node -e 0                   ≤ 1.35x
//   event get latest    / a bare node:http GET script ≤ 1.10x (the floor for one request)
//   --version, --help   / node -e 0                   ≤ 1.10x
//   peak RSS of event get latest / node -e 0          ≤ 1.15x
//   status --all-profiles (50 profiles) / status      ≤ 2x
//   event list, incidents, timeline (1000 events) / event get latest ≤ 1.3x
//
//   npm run build && node bench/startup.mjs [rounds]
//   npx -y -p node@24 -- node bench/startup.mjs [rounds]      (the same on Node 24)
//
// The simulator runs the `retention` scenario: 1000 events retained (about 190 kB as a list).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 20);
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cluster.js');
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'cluster-bench-'));

const sim = spawn(node, [bin, 'simulate', '--port', '0', '--seed', '1', '--scenario', 'retention'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const url = await new Promise((resolve) => {
  let buf = '';
  sim.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(buf.split('\n')[0].trim());
  });
});

// 50 profiles, all pointing at the simulator: the fleet view's worth of rows.
const profiles = Object.fromEntries(
  Array.from({ length: 50 }, (_, i) => [`p${String(i).padStart(2, '0')}`, { host: url, auth: { kind: 'none' } }]),
);
writeFileSync(join(work, 'config.json'), JSON.stringify({ current: 'p00', profiles }), { mode: 0o600 });
const env = { ...process.env, CLUSTER_CONFIG_DIR: work, NO_COLOR: '1' };
delete env.FELDERA_HOST;
delete env.FELDERA_API_KEY;
delete env.CLUSTER_PROFILE;

const latest = `${url}/v0/cluster/events/latest?selector=status`;
const httpScript = `require('node:http').get(${JSON.stringify(latest)},(r)=>{let b='';r.on('data',(d)=>b+=d);r.on('end',()=>process.stdout.write(b))})`;
const cluster = (...args) => [node, bin, ...args];

const cases = {
  'node -e 0': [node, '-e', '0'],
  'node:http GET script': [node, '-e', httpScript],
  'event get latest': cluster('event', 'get', 'latest'),
  '--version': cluster('--version'),
  '--help': cluster('--help'),
  'event list': cluster('event', 'list'),
  'event incidents': cluster('event', 'incidents'),
  'event timeline': cluster('event', 'timeline'),
  status: cluster('status'),
  'status --all-profiles (50)': cluster('status', '--all-profiles'),
};
// Exit codes that are answers, not failures: status says 2 while the runner is unhealthy.
const okCodes = new Set([0, 2, 3]);

function time(argv, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.has(r.status)) {
    console.error(`${argv.slice(1).join(' ')} failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, argv] of Object.entries(cases)) {
    const ms = time(argv);
    if (r >= 2) times[name].push(ms); // two warm-up rounds (disk cache, compile cache)
  }
}

// Peak memory: each process reports its own maximum resident set size as it exits.
const rssFile = join(work, 'rss');
const preload = join(work, 'rss.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(rssFile)}, process.resourceUsage().maxRSS + '\\n'));`,
);
const rss = { 'node -e 0': [], 'event get latest': [] };
for (let r = 0; r < Math.max(5, Math.floor(rounds / 2)); r++) {
  for (const name of Object.keys(rss)) {
    writeFileSync(rssFile, '');
    time(cases[name], { NODE_OPTIONS: `--require ${preload}` });
    rss[name].push(Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)));
  }
}
sim.kill('SIGTERM');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const rows = [
  ['event get latest / node -e 0', m['event get latest'] / m['node -e 0'], 1.35],
  ['event get latest / node:http GET script', m['event get latest'] / m['node:http GET script'], 1.1],
  ['--version / node -e 0', m['--version'] / m['node -e 0'], 1.1],
  ['--help / node -e 0', m['--help'] / m['node -e 0'], 1.1],
  ['peak RSS, event get latest / node -e 0', median(rss['event get latest']) / median(rss['node -e 0']), 1.15],
  ['status --all-profiles (50) / status', m['status --all-profiles (50)'] / m.status, 2],
  ['event list (1000 events) / event get latest', m['event list'] / m['event get latest'], 1.3],
  ['event incidents / event get latest', m['event incidents'] / m['event get latest'], 1.3],
  ['event timeline / event get latest', m['event timeline'] / m['event get latest'], 1.3],
];

console.log(`Node ${process.version}, ${rounds} rounds alternating, medians`);
console.log('\n| command | median |\n| --- | --- |');
for (const [name, ms] of Object.entries(m)) console.log(`| \`${name}\` | ${ms.toFixed(1)} ms |`);
console.log(
  `| peak RSS \`node -e 0\` / \`event get latest\` | ${(median(rss['node -e 0']) / 1024).toFixed(1)} MB / ${(median(rss['event get latest']) / 1024).toFixed(1)} MB |`,
);
console.log('\n| ratio | measured | target | |\n| --- | --- | --- | --- |');
for (const [name, ratio, target] of rows)
  console.log(`| ${name} | ${ratio.toFixed(2)}x | ≤ ${target.toFixed(2)}x | ${ratio <= target ? 'met' : 'NOT met'} |`);
