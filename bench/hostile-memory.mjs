#!/usr/bin/env node
// Peak memory of the built CLI under hostile answers (target: under 200 MB whatever the server
// sends). Each case runs `bin/cluster.js` under /usr/bin/time against a loopback server and prints
// the maximum resident set size, the exit code, the wall time and the first line of stderr.
//
//   npm run build && node bench/hostile-memory.mjs          (ONLY=valid: just the valid lists)
//
// Bodies past their cap: 100 MB and 600 MB (with and without Content-Length) and an endless one.
// Bodies under the cap, as large as it allows: a list under the cap holding one huge string (piped, and
// pretty-printed with --json at a "terminal" via FORCE_COLOR), and empty objects up to the cap objects (a
// structure bomb: refused by its value count before it is parsed).
// Valid lists: 1,000 events (what Feldera keeps at most) and 71,000 events (~13.4 MB, under every
// cap), statuses changing every few events so incidents and the timeline have much to draw, in
// `event list` at a terminal and `event list / incidents / timeline --json` piped.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1_000_000;
// Just under the list cap (src/api/limits.ts: 16 MiB), the most a list may be.
const LIST_MB = Number(process.env.LIST_MB ?? (16 * 1_048_576 - 50_000) / MB);
const EVENT = {
  id: '019afe41-4c7c-72be-a474-68be688e548d',
  recorded_at: '2025-12-08T14:05:03.645735Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
};

/** Send `total` bytes (Infinity: never stop) of `fill` after `head`, at the pace the client reads. */
function stream(res, { total, head = '[', fill = ' ', length = false }) {
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(length && Number.isFinite(total) ? { 'content-length': String(total) } : {}),
  });
  const chunk = Buffer.alloc(MB, fill);
  let sent = 0;
  res.write(head);
  sent += head.length;
  const more = () => {
    while (!res.destroyed && sent < total) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  more();
}

const bigString = JSON.stringify([{ ...EVENT, note: 'z'.repeat(LIST_MB * MB) }]);
const manyStrings = JSON.stringify(
  Array.from({ length: 1000 }, (_, i) => ({
    ...EVENT,
    id: `019afe41-4c7c-72be-a474-${String(i).padStart(12, '0')}`,
    note: 'z'.repeat((LIST_MB * MB) / 1000 - 300),
  })),
);
/** A valid list of `n` events, newest first, 3 s apart, the compiler failing for 5 of every 12. */
function validList(n) {
  const newest = Date.parse('2025-12-08T14:05:03.645Z');
  const out = [];
  for (let i = 0; i < n; i++) {
    const down = i % 12 < 5;
    out.push({
      id: `019afe41-4c7c-72be-a474-${String(n - i).padStart(12, '0')}`,
      recorded_at: new Date(newest - i * 3000).toISOString(),
      all_healthy: !down,
      api_status: 'Healthy',
      compiler_status: down ? 'Unhealthy' : 'Healthy',
      runner_status: 'Healthy',
    });
  }
  return JSON.stringify(out);
}
const list1k = validList(1000);
const list71k = validList(71_000);
const VALID = [
  ['event', 'list'],
  ['event', 'list', '--json'],
  ['event', 'incidents', '--json'],
  ['event', 'timeline', '--json'],
];
const bomb = `[${'{},'.repeat((LIST_MB * MB) / 3 - 1)}{}]`;
const CASES = [
  ['100 MB body, Content-Length declared', ['event', 'list'], (res) => stream(res, { total: 100 * MB, length: true })],
  ['100 MB body, chunked', ['event', 'list'], (res) => stream(res, { total: 100 * MB })],
  ['600 MB body, chunked', ['event', 'list', '--json'], (res) => stream(res, { total: 600 * MB })],
  ['endless body', ['event', 'list'], (res) => stream(res, { total: Infinity })],
  ['endless body, one event', ['event', 'get', 'latest', '-s', 'all'], (res) => stream(res, { total: Infinity })],
  ['list under the cap with one huge string, --json piped', ['event', 'list', '--json'], (res) => res.end(bigString)],
  [
    'list under the cap with one huge string, --json at a terminal (pretty, coloured)',
    ['event', 'list', '--json'],
    (res) => res.end(bigString),
    { TTY: '1' },
  ],
  [
    'list under the cap of 1000 events with big strings, --json at a terminal',
    ['event', 'list', '--json'],
    (res) => res.end(manyStrings),
    { TTY: '1' },
  ],
  ['list under the cap with one huge string, table', ['event', 'list'], (res) => res.end(bigString)],
  ['empty objects up to the cap (structure bomb)', ['event', 'list', '--json'], (res) => res.end(bomb)],
  ...[
    [`valid list of 1,000 events (${(list1k.length / MB).toFixed(1)} MB)`, list1k],
    [`valid list of 71,000 events (${(list71k.length / MB).toFixed(1)} MB)`, list71k],
  ].flatMap(([name, body]) =>
    VALID.map((args) => [
      `${name}${args.includes('--json') ? ', piped' : ', at a terminal'}`,
      args,
      (res) => res.end(body),
      args.includes('--json') ? undefined : { TTY: '1' },
    ]),
  ),
];
// ONLY=valid runs the cases whose name contains it.
const only = process.env.ONLY;

let answer = () => {};
const server = createServer((req, res) => {
  req.resume();
  res.on('error', () => {});
  answer(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${server.address().port}`;

function run(args, env) {
  return new Promise((resolve) => {
    const t = performance.now();
    const argv = [
      '/usr/bin/time',
      '-f',
      'maxrss_kb=%M',
      process.execPath,
      join(root, 'bin/cluster.js'),
      '--host',
      host,
      '--retries',
      '0',
      ...args,
    ];
    // At a terminal: stdout is a pseudo-terminal made by util-linux `script` (stderr stays a pipe).
    const [cmd, ...rest] = env?.TTY ? ['script', '-qefc', `${argv.join(' ')} 2>&3`, '/dev/null'] : argv;
    const child = spawn(cmd, rest, {
      stdio: ['ignore', 'pipe', 'pipe', ...(env?.TTY ? ['pipe'] : [])],
      env: {
        PATH: process.env.PATH,
        HOME: tmpdir(),
        CLUSTER_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'cluster-bench-')),
        ...env,
      },
    });
    if (env?.TTY) child.stdio[3].on('data', (d) => (err += d));
    let out = 0;
    let err = '';
    child.stdout.on('data', (d) => (out += d.length));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const kb = Number(/maxrss_kb=(\d+)/.exec(err)?.[1]);
      resolve({
        code,
        ms: performance.now() - t,
        rssMb: kb / 1024,
        out,
        err: err.replace(/maxrss_kb=\d+\n?/, '').split('\n')[0],
      });
    });
  });
}

console.log(
  '| answer | command | peak RSS | exit | time | stdout | stderr |\n| --- | --- | --- | --- | --- | --- | --- |',
);
for (const [name, args, fn, env] of CASES) {
  if (only && !name.includes(only)) continue;
  answer = fn;
  const r = await run(args, env);
  console.log(
    `| ${name} | \`${args.join(' ')}\` | ${r.rssMb.toFixed(0)} MB | ${r.code} | ${(r.ms / 1000).toFixed(2)} s | ${(r.out / MB).toFixed(1)} MB | ${r.err.slice(0, 110)} |`,
  );
}
server.closeAllConnections();
server.close();
