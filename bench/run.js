#!/usr/bin/env node
// `npm run bench`: the start-up benchmark (bench/startup.mjs), then the watch benchmark
// (bench/watch.mjs) when it exists, then rendering and Ctrl-C (bench/render.mjs), the check
// deadline, and the exporter at fleet scale (bench/fleet.mjs). Builds first, since both run bin/cluster.js / dist/.
// Extra arguments go to startup.mjs (e.g. `npm run bench -- 50` for 50 rounds).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run([join(root, 'esbuild.config.mjs')]);
console.log('== start-up (bench/startup.mjs)');
run([join(here, 'startup.mjs'), ...process.argv.slice(2)]);
const watch = join(here, 'watch.mjs');
if (existsSync(watch)) {
  console.log('\n== watch (bench/watch.mjs)');
  // The flags its own header asks for.
  run(['--expose-gc', '--max-semi-space-size=1', watch]);
}
console.log('\n== rendering and Ctrl-C (bench/render.mjs)');
run([join(here, 'render.mjs')]);
console.log('\n== history rules on long histories (bench/domain.mjs)');
run([join(here, 'domain.mjs')]);
console.log('\n== the measurements behind design decisions (bench/decisions.mjs)');
run([join(here, 'decisions.mjs'), '7']);
console.log('\n== cluster check -t against a hung server (bench/check-timeout.mjs)');
run([join(here, 'check-timeout.mjs'), '3']);
console.log('\n== the exporter probing 1,000 instances for a real Prometheus (bench/fleet.mjs, 3 minutes)');
run([join(here, 'fleet.mjs')]);
