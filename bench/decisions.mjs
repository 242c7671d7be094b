#!/usr/bin/env node
// The measurements behind design decisions that the code's comments name, re-measured on the Node
// that runs this (compare, don't quote: run it on Node 20 and 24 in one session):
//
// 1. esbuild.config.mjs takes ofetch's createFetch without evaluating ofetch's entry, because the
//    entry reads `globalThis.Headers`, which loads Node's whole fetch stack (undici). Measured: the
//    CPU time of that one read in a fresh process, beside a whole `event get latest`.
// 2. io/width.ts measures text itself rather than with `string-width` (v4, which cli-table3 brings):
//    1 MB of prose measured word by word, and a 320,000-character word character by character (as
//    the wrapper does when it cuts a word), each way, in one process.
//
//   npm run build && node bench/decisions.mjs [rounds]
//   npx -y -p node@24 -- node bench/decisions.mjs [rounds]
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadSources, root } from './sources.mjs';

const rounds = Number(process.argv[2] ?? 15);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const bin = join(root, 'bin', 'cluster.js');

/** CPU milliseconds (user + system) of a whole child process, as bash's `time` reports them. */
function cpuOf(args) {
  const cmd = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; { time ${cmd} >/dev/null 2>&1; } 2>&1`], {
    encoding: 'utf8',
  });
  const [user, sys] = r.stdout.trim().split(/\s+/).map(Number);
  return (user + sys) * 1000;
}

console.log(`node ${process.version}, ${rounds} rounds, medians`);
console.log('\n| decision | measured | beside |');
console.log('| --- | --- | --- |');

// 1. The read of globalThis.Headers, in-process CPU of a fresh node, beside a whole event get latest.
const sim = spawn(process.execPath, [bin, 'simulate', '--port', '0', '--seed', '1'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const url = await new Promise((resolve) => {
  let buf = '';
  sim.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(buf.split('\n')[0].trim());
  });
});
const headers = [];
const latest = [];
const READ =
  'const c=process.cpuUsage();globalThis.Headers;const d=process.cpuUsage(c);console.log((d.user+d.system)/1000)';
for (let i = 0; i < rounds; i++) {
  headers.push(Number(spawnSync(process.execPath, ['-e', READ], { encoding: 'utf8' }).stdout));
  latest.push(cpuOf([bin, 'event', 'get', 'latest', '--host', url]));
}
sim.kill('SIGTERM');
console.log(
  `| ofetch's entry is not evaluated (esbuild.config.mjs) | reading globalThis.Headers: ${median(headers).toFixed(1)} ms of CPU | a whole \`event get latest\`: ${median(latest).toFixed(0)} ms of CPU |`,
);

// 2. io/width.ts against string-width.
const { textWidth } = await loadSources('width', ["export { textWidth } from './src/io/width.ts';"]);
const stringWidth = createRequire(join(root, 'node_modules', 'cli-table3', 'package.json'))('string-width');
const words = 'the quick brown fox jumps over the lazy dog, '.repeat(22_300).split(' ');
const chars = Array.from('x'.repeat(320_000));
const time = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const runs = { ours: [[], []], theirs: [[], []] };
for (let i = 0; i < Math.min(rounds, 7); i++) {
  runs.ours[0].push(time(() => words.reduce((n, w) => n + textWidth(w), 0)));
  runs.theirs[0].push(time(() => words.reduce((n, w) => n + stringWidth(w), 0)));
  runs.ours[1].push(time(() => chars.reduce((n, c) => n + textWidth(c), 0)));
  runs.theirs[1].push(time(() => chars.reduce((n, c) => n + stringWidth(c), 0)));
}
const ms = (xs) => `${median(xs).toFixed(0)} ms`;
console.log(
  `| io/width.ts, not string-width | 1 MB of prose, word by word: ${ms(runs.ours[0])}; 320,000 characters one by one: ${ms(runs.ours[1])} | with string-width: ${ms(runs.theirs[0])}; ${ms(runs.theirs[1])} |`,
);
