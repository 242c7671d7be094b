#!/usr/bin/env node
// The exporter at fleet scale, against the real thing: `cluster simulate --instances 1000` (a mix
// of scenarios), one `cluster exporter --probe-only`, and a real Prometheus (Debian's) that
// discovers the 1,000 instances through file_sd and probes each every 15 s through the exporter
// (/probe?target=URL), for 3 minutes. Reports what issue 19 asks, beside its targets:
//   - the exporter's CPU, as a share of one core (utime + stime from /proc over the run);
//   - its peak resident memory (VmHWM);
//   - p50 / p99 probe duration, by Prometheus's own scrape_duration_seconds (every sample of every
//     target, after one interval of warm-up);
//   - failed scrapes (up == 0 samples);
//   - reads of Feldera per probe (the exporter's own counters; a read is /v0/cluster_healthz and the
//     latest event at once, /v0/config once a day), with --min-interval 10s: at most one read per
//     instance per interval, whatever the number of Prometheus replicas.
//
//   npm run build && node bench/fleet.mjs [--seconds 180] [--instances 1000] [--replicas 1]
//   npx -y -p node@24 -- node bench/fleet.mjs
//
// Every process listens on 127.0.0.1 only and is stopped at the end. Without the prometheus
// binary it says so and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'cluster.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 180);
const INSTANCES = arg('instances', 1000);
const REPLICAS = arg('replicas', 1);
const INTERVAL_S = 15;

if (spawnSync('/bin/sh', ['-c', 'command -v prometheus']).status !== 0) {
  console.log("SKIPPED: bench/fleet.mjs needs Debian's prometheus (apt-get install prometheus)");
  process.exit(0);
}

const children = [];
const dirs = [];
function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const firstLine = new Promise((resolve, reject) => {
    const check = () => {
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`${cmd} ${args[1] ?? ''} exited (${code}): ${err}`)));
  });
  return { child, firstLine, err: () => err };
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // CLK_TCK is 100 on Linux
}

function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

async function startPrometheus(dir, name, exporterHost, sdFile) {
  const config = [
    `global: { scrape_interval: ${INTERVAL_S}s, scrape_timeout: 10s }`,
    'scrape_configs:',
    '  - job_name: feldera-cluster',
    '    metrics_path: /probe',
    `    file_sd_configs: [{ files: [${JSON.stringify(sdFile)}] }]`,
    '    relabel_configs:',
    '      - { source_labels: [__address__], target_label: __param_target }',
    '      - { source_labels: [__param_target], target_label: instance }',
    `      - { target_label: __address__, replacement: ${JSON.stringify(exporterHost)} }`,
    '  - job_name: feldera-cluster-exporter',
    `    static_configs: [{ targets: [${JSON.stringify(exporterHost)}] }]`,
  ].join('\n');
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, config);
  const port = await freePort();
  const p = start('prometheus', [
    `--config.file=${file}`,
    `--storage.tsdb.path=${join(dir, `${name}-data`)}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
    if ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok) return { url, child: p.child };
  }
  throw new Error(`prometheus was not ready: ${p.err()}`);
}

async function query(prometheus, q) {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(body)}`);
  return body.data.result;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** feldera_cluster_exporter_* counters from the exporter's /metrics. */
async function counters(exporter) {
  const text = await (await fetch(exporter)).text();
  const get = (re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    reads: get(/^feldera_cluster_exporter_reads_total (\S+)$/gm),
    probes: get(/^feldera_cluster_exporter_probes_total\{result="(?:up|down)"\} (\S+)$/gm),
    refused: get(/^feldera_cluster_exporter_probes_total\{result="refused"\} (\S+)$/gm),
    down: get(/^feldera_cluster_exporter_probes_total\{result="down"\} (\S+)$/gm),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cluster-fleet-bench-'));
dirs.push(dir);
const scenarios = 'healthy,slow-checks,compiler-outage,flapping,stalled,startup';
const sim = start(process.execPath, [
  cli,
  'simulate',
  '--port',
  '0',
  '--instances',
  String(INSTANCES),
  '--scenario',
  scenarios,
  '--seed',
  '1',
]);
const simUrl = await sim.firstLine;
const list = await (await fetch(`${simUrl}/instances`)).json();
const sdFile = join(dir, 'feldera.json');
writeFileSync(sdFile, JSON.stringify(list));

const exporterProc = start(
  process.execPath,
  [cli, 'exporter', '--probe-only', '--listen', '127.0.0.1:0', '--allow-target', `${simUrl}/i/`],
  {
    CLUSTER_CONFIG_DIR: dir,
    ...(process.env.EXPORTER_NODE_OPTIONS && { NODE_OPTIONS: process.env.EXPORTER_NODE_OPTIONS }),
  },
);
const exporterUrl = await exporterProc.firstLine;
const exporterHost = new URL(exporterUrl).host;
const pid = exporterProc.child.pid;

console.log(
  `${INSTANCES} simulated instances (${scenarios}) at ${simUrl}/i/…; exporter ${exporterUrl} (pid ${pid}); ` +
    `${REPLICAS} Prometheus replica${REPLICAS > 1 ? 's' : ''} probing every ${INTERVAL_S}s for ${SECONDS}s; Node ${process.version}`,
);
const proms = [];
for (let r = 0; r < REPLICAS; r++) proms.push(await startPrometheus(dir, `prometheus-${r}`, exporterHost, sdFile));
// Measure from one interval after the first probes: Prometheus applies its targets a moment after
// it is ready, and the first probe of each instance also asks its version (/v0/config), once a day.
for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
  if ((await counters(exporterUrl)).probes > 0) break;
}
console.log(`warming up for one interval (${INTERVAL_S}s: every instance read once, its version asked)`);
await sleep(INTERVAL_S * 1000);
const t0 = performance.now();
const cpu0 = cpuSeconds(pid);
const c0 = await counters(exporterUrl);
await sleep(SECONDS * 1000);
const cpu1 = cpuSeconds(pid);
const elapsed = (performance.now() - t0) / 1000;
const c1 = await counters(exporterUrl);
const rss = peakRssMb(pid);
const own = await (await fetch(exporterUrl)).text();
const gauge = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(own)?.[1] ?? Number.NaN) / 2 ** 20;
const heap = `heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB, resident now ${gauge('process_resident_memory_bytes').toFixed(0)} MB`;

const window = `${Math.floor(elapsed)}s`;
const durations = [];
let ups = 0;
let downs = 0;
for (const p of proms) {
  for (const series of await query(p.url, `scrape_duration_seconds{job="feldera-cluster"}[${window}]`))
    for (const [, v] of series.values) durations.push(Number(v));
  for (const series of await query(p.url, `up{job="feldera-cluster"}[${window}]`))
    for (const [, v] of series.values)
      if (Number(v) === 1) ups++;
      else downs++;
}
durations.sort((a, b) => a - b);
const probes = c1.probes - c0.probes;
const reads = c1.reads - c0.reads;
const share = (cpu1 - cpu0) / elapsed;
const p50 = quantile(durations, 0.5) * 1000;
const p99 = quantile(durations, 0.99) * 1000;
const row = (what, value, target, ok) =>
  console.log(`${what.padEnd(44)} ${value.padEnd(18)} ${target.padEnd(12)} ${ok ? 'met' : 'NOT MET'}`);
console.log(`\n${'measure'.padEnd(44)} ${'value'.padEnd(18)} ${'target'.padEnd(12)}`);
row('exporter CPU (share of one core)', `${(share * 100).toFixed(1)}%`, '≤ 25%', share <= 0.25);
row('exporter peak RSS', `${rss.toFixed(0)} MB`, '≤ 150 MB', rss <= 150);
row('probe duration p50 (scrape_duration_seconds)', `${p50.toFixed(1)} ms`, '', true);
row('probe duration p99 (scrape_duration_seconds)', `${p99.toFixed(1)} ms`, '≤ 100 ms', p99 <= 100);
row('failed scrapes (up == 0 samples)', `${downs} of ${ups + downs}`, '0', downs === 0);
row(
  'reads of Feldera per probe',
  `${(reads / Math.max(1, probes)).toFixed(2)} (${reads}/${probes})`,
  REPLICAS > 1 ? `≤ ${(1 / REPLICAS).toFixed(2)}` : '≤ 1',
  // (a read is counted when it starts, a probe when it is answered: a few may be in between)
  reads <= (probes + 10) / REPLICAS,
);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\nload average at the end (2 cores here): ${load}; exporter at the end: ${heap}`);
console.log(
  `probes answered up=0 (the instance said unreachable): ${c1.down - c0.down}; refused (400): ${c1.refused - c0.refused}; ` +
    `each read is 2 requests (+ /v0/config once a day per instance), so ${((reads * 2) / elapsed / INSTANCES).toFixed(3)} requests/s per instance`,
);
cleanup();
process.exit(0);
