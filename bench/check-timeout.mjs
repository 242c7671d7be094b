#!/usr/bin/env node
// How long `cluster check -t N` takes against a server that never answers, as Nagios runs it: a
// whole process, timed from spawn to exit. The plugin promises to answer within its deadline plus
// the start-up of the process (the README's "cluster check": ≤ N + 1 s). Baseline in the same
// rounds: `node -e 0`, the floor of any process. Prints medians, and the margin over N.
//
//   npm run build && node bench/check-timeout.mjs [rounds]
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cluster.js');
const sockets = new Set();
const hung = createServer(() => {}); // accepts, never answers
hung.on('connection', (s) => sockets.add(s));
await new Promise((r) => hung.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${hung.address().port}`;

const time = (args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, code: r.status, out: r.stdout };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log(`node ${process.version}, ${rounds} rounds, a server that accepts and never answers`);
console.log('| -t | check (median) | over the deadline | node -e 0 | exit | answer |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const t of [1, 3, 10]) {
  const check = [];
  const floor = [];
  let last;
  for (let i = 0; i < rounds; i++) {
    last = time([bin, 'check', '--host', host, '-t', String(t)]);
    check.push(last.ms);
    floor.push(time(['-e', '0']).ms);
  }
  const m = median(check);
  const over = m - t * 1000;
  console.log(
    `| ${t}s | ${(m / 1000).toFixed(2)} s | ${over.toFixed(0)} ms${over <= 1000 ? '' : ' (more than 1 s!)'} | ${median(floor).toFixed(0)} ms | ${last.code} | ${last.out.split('\n')[0].slice(0, 60)}… |`,
  );
}
for (const s of sockets) s.destroy();
hung.close();
