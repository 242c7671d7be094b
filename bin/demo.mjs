#!/usr/bin/env node
// `npm run demo`: start the built-in simulator on a free port, run the main commands against it,
// stop it. Needs no Feldera and touches no stored profile (a throw-away config folder is used).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), 'cluster.js');
const configDir = mkdtempSync(join(tmpdir(), 'cluster-demo-'));
const scenario = process.argv[2] ?? 'compiler-outage';

const sim = spawn(
  process.execPath,
  [bin, 'simulate', '--port', '0', '--scenario', scenario, '--speed', '60', '--history', '20m', '--seed', '7'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const stop = () => {
  sim.kill('SIGTERM');
  rmSync(configDir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

const url = await new Promise((resolve, reject) => {
  let buf = '';
  sim.stdout.on('data', (d) => {
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl >= 0) resolve(buf.slice(0, nl).trim());
  });
  sim.on('exit', (code) => reject(new Error(`the simulator exited (${code}) before printing its URL`)));
});

// The simulator runs at --speed 60: its clock runs ahead of this machine's, which the tool would
// otherwise not believe (README "Stale": a clock that lies).
const env = { ...process.env, FELDERA_HOST: url, CLUSTER_CONFIG_DIR: configDir, CLUSTER_SERVER_CLOCK: 'trust' };
delete env.FELDERA_API_KEY;
delete env.FELDERA_AUTH_TOKEN_COMMAND;
delete env.CLUSTER_PROFILE;

const steps = [
  ['event', 'get', 'latest'],
  ['event', 'list', '--limit', '8'],
  ['event', 'incidents'],
  ['event', 'timeline'],
  ['status'],
  ['event', 'watch', '--interval', '1s', '--until', 'healthy', '--timeout', '30s'],
];
let failed = 0;
for (const args of steps) {
  process.stdout.write(`\n$ cluster ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
  // status exits 2 while unhealthy (or 3 when stale): an answer, not a failure.
  const ok = r.status === 0 || (args[0] === 'status' && (r.status === 2 || r.status === 3));
  if (!ok) failed++;
}
stop();
process.stdout.write(`\nsimulator at ${url} stopped${failed ? `; ${failed} step(s) failed` : ''}\n`);
process.exit(failed ? 1 : 0);
