#!/usr/bin/env node
// The credential filter (src/io/secrets.ts) on what a run writes, with a credential known: the
// filter as it was (a plain match of 8-character pieces) against the filter now (pieces matched on
// the skeleton: invisible characters, colour codes and wraps left out), on the same texts in the
// same run. The texts: a terminal `event list` of 1,000 and 71,000 rows (one write each, line
// breaks and colour codes in it), the `--json` list of 1,000 events, and 1 MB of prose.
//
//   node bench/scrub.mjs
//
// Prints the median of 5 runs of each, and the ratio now / before.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, root, timeMedian } from './sources.mjs';

const BASE = process.env.BASE ?? '1899698';

async function before() {
  const dir = mkdtempSync(join(tmpdir(), 'scrub-before-'));
  for (const f of ['secrets.ts', 'sanitize.ts', 'io.ts'])
    writeFileSync(join(dir, f), execFileSync('git', ['show', `${BASE}:src/io/${f}`], { cwd: root }));
  const { build } = await import('esbuild');
  const out = join(dir, 'bundle.mjs');
  await build({
    entryPoints: [join(dir, 'secrets.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  return import(out);
}

const time = (fn) => timeMedian(fn, 5, 0);

const KEY = `apikey:${'Ka7Qm2Xz9Lp4Rt8Wv1Nc5Hd3Jf6Gs0By'.repeat(2)}`;
const row = (i) =>
  `\u001b[2m2025-12-08 14:${String(i % 60).padStart(2, '0')}:03\u001b[0m  \u001b[32m✓ healthy\u001b[0m  01938f2c-7a4b-7c3d-8e5f-${String(i).padStart(12, '0')}  api Healthy  compiler Healthy  runner Healthy`;
const list = (n) => `${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`;
const event = (i) => ({
  id: `01938f2c-7a4b-7c3d-8e5f-${String(i).padStart(12, '0')}`,
  recorded_at: '2025-12-08T14:03:06.655736Z',
  all_healthy: true,
  api_status: 'Healthy',
  compiler_status: 'Healthy',
  runner_status: 'Healthy',
});
const TEXTS = {
  'event list, 1,000 rows': list(1000),
  'event list, 71,000 rows': list(71_000),
  'event list --json, 1,000 events': `${JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => event(i)),
    null,
    2,
  )}\n`,
  '1 MB of prose, one line': 'the compiler service is healthy and answers in time '.repeat(20_000),
};

const old = await before();
const now = await loadSources('scrub-bench', ["export { createScrubber } from './src/io/secrets.ts';"]);
const rows = [];
for (const [name, text] of Object.entries(TEXTS)) {
  const a = old.createScrubber();
  const b = now.createScrubber();
  a.add(KEY);
  b.add(KEY);
  if (b.scrub(text) !== text) throw new Error(`${name}: the filter changed text that holds no credential`);
  const tOld = time(() => a.scrub(text));
  const tNew = time(() => b.scrub(text));
  rows.push({
    text: name,
    MB: (text.length / 1e6).toFixed(2),
    'before ms': tOld.toFixed(1),
    'now ms': tNew.toFixed(1),
    ratio: (tNew / tOld).toFixed(2),
  });
}
console.table(rows);
