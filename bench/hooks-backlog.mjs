#!/usr/bin/env node
// A watch with a hook against a valid answer of many events: how long `event watch --since 72h
// --timeout 15s --exec true` runs and how much memory it holds, from a list of 71,000 events (a
// valid answer under the list caps; Feldera itself keeps at most 1,000) and of 1,000 events.
//
//   npm run build && node bench/hooks-backlog.mjs        (EVENTS=71000,1000 LIMIT_S=120 to change)
//
// Each case runs the built bin/cluster.js under /usr/bin/time against a loopback server and prints
// the exit code, the wall time, the peak resident set, how many hooks ran (each appends a line to a
// file) and the last lines of stderr. A run still going after LIMIT_S is killed and said so. The
// same watches without --exec follow: what the list itself costs, hooks aside.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COUNTS = (process.env.EVENTS ?? '71000,1000').split(',').map(Number);
const LIMIT_S = Number(process.env.LIMIT_S ?? 120);

/** `count` events, one per 10-second round up to now, newest first, alternating healthy and not. */
function eventList(count, now) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const t = now - 5_000 - i * 3_000;
    const ms = t.toString(16).padStart(12, '0');
    const id = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${(i % 4096).toString(16).padStart(3, '0')}-8${(i % 4096).toString(16).padStart(3, '0')}-${i.toString(16).padStart(12, '0')}`;
    const bad = i % 7 === 3;
    out.push({
      id,
      recorded_at: new Date(t).toISOString(),
      all_healthy: !bad,
      api_status: 'Healthy',
      compiler_status: 'Healthy',
      runner_status: bad ? 'Unhealthy' : 'Healthy',
    });
  }
  return out;
}

async function runCase(count, withHook = true) {
  const events = eventList(count, Date.now());
  const list = JSON.stringify(events);
  const latest = JSON.stringify(events[0]);
  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '').split('?')[0];
    const body = path === '/v0/cluster/events' ? list : latest;
    res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const host = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'cluster-bench-hooks-'));
  const args = ['event', 'watch', '--host', host, '--since', '72h', '--timeout', '15s'];
  const hook = `echo x >> ${dir}/ran`;
  const t = performance.now();
  const child = spawn(
    '/usr/bin/time',
    [
      '-f',
      'maxrss_kb=%M',
      process.execPath,
      join(root, 'bin/cluster.js'),
      ...args,
      ...(withHook ? ['--exec', hook] : []),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      // A group of its own, so that a run past the limit is stopped with everything it started.
      detached: true,
      env: { PATH: process.env.PATH, HOME: tmpdir(), CLUSTER_CONFIG_DIR: dir },
    },
  );
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  // Sampled as well: a run killed at the limit has no report from /usr/bin/time.
  let sampledKb = 0;
  const sampler = setInterval(() => {
    try {
      const rows = execFileSync('ps', ['-o', 'rss=,comm=', '-g', String(child.pid)], { encoding: 'utf8' });
      for (const row of rows.trim().split('\n')) {
        const [kb, comm] = row.trim().split(/\s+/);
        if (comm === 'node') sampledKb = Math.max(sampledKb, Number(kb));
      }
    } catch {}
  }, 500);
  const killer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), LIMIT_S * 1000);
  const code = await new Promise((r) => child.on('close', (c, s) => r(c ?? s)));
  clearTimeout(killer);
  clearInterval(sampler);
  const ms = performance.now() - t;
  server.close();
  let ran = 0;
  try {
    ran = readFileSync(join(dir, 'ran'), 'utf8').split('\n').length - 1;
  } catch {}
  const kb = Math.max(Number(/maxrss_kb=(\d+)/.exec(err)?.[1] ?? 0), sampledKb) || Number.NaN;
  const tail = err
    .replace(/maxrss_kb=\d+\n?/, '')
    .replace(/Command terminated by signal 9\n?/, '')
    .trimEnd()
    .split('\n')
    .slice(-3)
    .join(' | ');
  const killed = ms >= LIMIT_S * 1000;
  console.log(
    `| ${count.toLocaleString('en')} events (${(list.length / 1e6).toFixed(1)} MB)${withHook ? '' : ', no --exec'} | ${killed ? `killed after ${LIMIT_S} s` : code} | ${(ms / 1000).toFixed(1)} s | ${Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : '?'} | ${ran.toLocaleString('en')} | ${tail.slice(0, 400)} |`,
  );
}

console.log(`node ${process.version}; \`event watch --since 72h --timeout 15s --exec 'echo x >> ran'\``);
console.log(
  '| list | exit | wall | peak RSS | hooks run | stderr (last lines) |\n| --- | --- | --- | --- | --- | --- |',
);
for (const n of COUNTS) await runCase(n);
// The same watch without a hook: what the list itself costs.
for (const n of COUNTS) await runCase(n, false);
