#!/usr/bin/env node
// Rendering hostile text, and how fast Ctrl-C ends a command.
//
//   npm run build && node bench/render.mjs
//
// 1. In-process (src/ bundled with esbuild for the run): the terminal wrapper (`wrapText`) on a
//    320,000-character unbroken word, a 1 MB word, 1 MB of prose and a 1 MB run of spaces, the
//    sanitiser on 1 MB of escape sequences, and the whole terminal form of `event get -s all`
//    for an event whose six reports are 1 MB each. Medians of 5 runs. The former wrapper was
//    quadratic: 2.8 s for an 80,000-character word, ~45 s for 320,000.
// 2. The built CLI (`bin/cluster.js`) against a loopback server: SIGINT sent while the command
//    waits for an answer that never comes, and while it parses and prints a 14 MB `--json` event
//    list; the time from the signal to the process's end (target: under 100 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, median, root, timeMedian } from './sources.mjs';

const time = (fn) => timeMedian(fn, 5, 0);

const MB = 1_000_000;
const { wrapText, renderEvent, judgeEvent, sanitizeText } = await loadSources('render-bench', [
  "export { wrapText } from './src/render/text.ts';",
  "export { renderEvent } from './src/render/event.ts';",
  "export { judgeEvent } from './src/domain/verdict.ts';",
  "export { sanitizeText } from './src/io/sanitize.ts';",
]);
const cases = [
  ['wrapText: 320,000-character word, 80 columns', () => wrapText('x'.repeat(320_000), 80)],
  ['wrapText: 1 MB word', () => wrapText('x'.repeat(MB), 80)],
  ['wrapText: 1 MB of prose', () => wrapText('lorem ipsum '.repeat(MB / 12), 80)],
  ['wrapText: 1 MB run of spaces inside a line', () => wrapText(`a${' '.repeat(MB)}b`, 80)],
  ['sanitizeText: 1 MB of escape sequences', () => sanitizeText('\u001b[31m\u001b]0;t\u0007x'.repeat(MB / 12))],
];
const event = {
  id: '019afe41-4c7c-72be-a474-68be688e548d',
  recorded_at: '2025-12-08T14:05:03.645735Z',
  all_healthy: false,
  api_status: 'Healthy',
  compiler_status: 'Unhealthy',
  runner_status: 'Healthy',
};
for (const s of ['api', 'compiler', 'runner']) {
  event[`${s}_self_info`] = 'x'.repeat(MB);
  event[`${s}_resources_info`] = 'word '.repeat(MB / 5);
}
const a = judgeEvent(event, { now: Date.now(), staleAfterMs: undefined });
const io = { stdoutIsTTY: true, color: true };
let rendered = '';
const renderMs = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  rendered = await renderEvent(event, a, { utc: true, columns: 100 }, io);
  renderMs.push(performance.now() - t);
}
console.log('| case | median |\n| --- | --- |');
for (const [name, fn] of cases) console.log(`| ${name} | ${time(fn).toFixed(1)} ms |`);
console.log(
  `| event get -s all at a terminal, six 1 MB reports (cut at 8,192 characters: ${rendered.length.toLocaleString('en-US')} characters out) | ${median(renderMs).toFixed(1)} ms |`,
);

// 2. Ctrl-C against the built CLI.
const listBody = JSON.stringify(
  Array.from({ length: 1000 }, (_, i) => ({
    ...Object.fromEntries(Object.entries(event).filter(([k]) => !k.endsWith('_info'))),
    id: `019afe41-4c7c-72be-a474-${String(i).padStart(12, '0')}`,
    note: 'y'.repeat(14_000),
  })),
);
const server = createServer((req, res) => {
  if (req.url.startsWith('/v0/cluster/events/latest')) return; // never answers
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(listBody) });
  res.end(listBody);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${server.address().port}`;

/** Start the CLI, wait `afterMs` (or for its first output), send SIGINT; ms from the signal to the end. */
function interrupt(args, afterMs, onOutput) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/cluster.js'), '--host', host, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: tmpdir(),
        CLUSTER_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'cluster-bench-')),
      },
    });
    let sentAt = 0;
    const send = () => {
      if (sentAt) return;
      sentAt = performance.now();
      child.kill('SIGINT');
    };
    child.stdout.on('data', () => onOutput && send());
    child.stderr.resume();
    if (!onOutput) setTimeout(send, afterMs);
    child.on('close', (code, signal) => resolve({ ms: sentAt ? performance.now() - sentAt : NaN, code, signal }));
  });
}
const waits = [];
const prints = [];
for (let i = 0; i < 5; i++) {
  waits.push((await interrupt(['event', 'get', 'latest'], 400)).ms);
  prints.push((await interrupt(['event', 'list', '--json'], 0, true)).ms);
}
server.close();
console.log(
  `\nCtrl-C → process gone (median of 5): waiting for an answer ${median(waits).toFixed(1)} ms; while printing a ${(listBody.length / MB).toFixed(0)} MB --json list ${median(prints).toFixed(1)} ms`,
);
