/**
 * The release path, as a user gets the tool: `npm pack`, a global install of the tarball into a
 * fresh prefix (offline: the package needs nothing but itself), then the installed `cluster` runs
 * `--version` and `event get latest` against the simulator. A file missing from the package
 * fails here, not on a user's machine.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, startCli, tempConfigDir } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let prefix = '';
let installed = '';
let sim: ReturnType<typeof startCli>;
let url = '';

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'cluster-release-'));
  // --ignore-scripts: package the dist/ the test run built (a rebuild would race the other e2e tests).
  // npm's cache in the run's temporary folder too: nothing is left in the developer's ~/.npm.
  const cache = ['--cache', join(work, 'npm-cache')];
  const [packed] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--ignore-scripts', ...cache, '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as { filename: string }[];
  prefix = join(work, 'prefix');
  execFileSync(
    npm,
    [
      'install',
      '--global',
      '--offline',
      '--no-audit',
      '--no-fund',
      ...cache,
      '--prefix',
      prefix,
      join(work, packed!.filename),
    ],
    { stdio: 'ignore' },
  );
  installed = join(prefix, 'bin', 'cluster');
  sim = startCli(['simulate', '--port', '0', '--seed', '3', '--history', '30m']);
  url = await sim.firstLine;
}, 120_000);

afterAll(() => {
  sim?.child.kill('SIGTERM');
});

describe('an installed package', () => {
  it('has no runtime dependencies: everything it runs is in its bundle', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    const files = JSON.parse(
      execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
    )[0].files.map((f: { path: string }) => f.path) as string[];
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/cluster.js',
        'bin/package.json',
        'dist/cli.cjs',
        'dist/help.txt',
        'package.json',
        'README.md',
      ]),
    );
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });

  it('holds every file the bundle loads on demand (dist/lazy/*.cjs), each loading on its own', () => {
    const pkgDir = join(prefix, 'lib', 'node_modules', 'feldera-cluster');
    const main = readFileSync(join(pkgDir, 'dist', 'cli.cjs'), 'utf8');
    const chunks = [...new Set([...main.matchAll(/require\("\.\/(lazy\/[\w.-]+\.cjs)"\)/g)].map((m) => m[1]!))].sort();
    expect(chunks).toEqual([
      'lazy/bcryptjs.cjs',
      'lazy/cli-table3.cjs',
      'lazy/oidc.cjs',
      'lazy/prom-client.cjs',
      'lazy/proper-lockfile.cjs',
      'lazy/simulator.cjs',
      'lazy/yaml.cjs',
    ]);
    const load = createRequire(join(pkgDir, 'dist', 'cli.cjs'));
    for (const chunk of chunks) expect(existsSync(join(pkgDir, 'dist', chunk)), chunk).toBe(true);
    expect(typeof load('./lazy/cli-table3.cjs')).toBe('function');
    expect(typeof load('./lazy/prom-client.cjs').Registry).toBe('function');
    expect(typeof load('./lazy/proper-lockfile.cjs').lock).toBe('function');
    expect(typeof load('./lazy/simulator.cjs').startSimulator).toBe('function');
    expect(typeof load('./lazy/bcryptjs.cjs').compare).toBe('function');
    expect(typeof load('./lazy/yaml.cjs').parse).toBe('function');
    expect(typeof load('./lazy/oidc.cjs').browserLogin).toBe('function'); // openid-client inside, nothing outside
  });

  it('stores a profile and serves as the simulator from the global prefix (their code is loaded on demand)', async () => {
    const dir = tempConfigDir();
    const env = cleanEnv({ CLUSTER_CONFIG_DIR: dir });
    const login = spawnSync(installed, ['login', '--host', url, '--no-verify'], { env, encoding: 'utf8' });
    expect(login.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      current: 'default',
      profiles: { default: { host: url } },
    });
    // Until it prints its URL (however long a loaded machine takes to load it), then Ctrl-C.
    const sim2 = spawn(installed, ['simulate', '--port', '0', '--seed', '1'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    sim2.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise((r) => sim2.on('close', r));
    await until(() => stdout.includes('\n') || sim2.exitCode !== null, 'the simulator to print its URL');
    sim2.kill('SIGTERM');
    await exited;
    expect(stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n/);
  });

  it('runs --version and event get latest from the global prefix', () => {
    const env = cleanEnv({ CLUSTER_CONFIG_DIR: tempConfigDir() });
    const version = spawnSync(installed, ['--version'], { env, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const get = spawnSync(installed, ['event', 'get', 'latest', '--host', url, '--json'], { env, encoding: 'utf8' });
    expect(get.stderr).toBe('');
    expect(get.status).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ all_healthy: true, api_status: 'Healthy' });
    // Its help, too (the fast path reads dist/help.txt from the package).
    const help = spawnSync(installed, ['--help'], { env, encoding: 'utf8' });
    expect(help.stdout).toMatch(/^Usage: cluster /);
  });
});
