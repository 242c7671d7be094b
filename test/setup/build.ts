/**
 * The end-to-end tests run the built CLI (bin/cluster.js → dist/): before any test, rebuild dist/
 * when a source of the build is newer than it, so `npx vitest run test/x.test.ts` after editing
 * src/ never tests an old build. In watch mode the same check runs before every rerun.
 * `npm test` builds first, so there the check finds dist/ current and does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = join(import.meta.dirname, '..', '..');
/** What the build reads besides src/ (package.json holds the version, the lockfile the bundled libraries). */
const INPUTS = ['esbuild.config.mjs', 'esbuild.ofetch.mjs', 'package.json', 'package-lock.json'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? files(path) : [path];
  });
}

const mtime = (path: string) => statSync(path).mtimeMs;

/** Why dist/ must be rebuilt, or undefined when it is newer than every source of the build. */
export function staleBuild(root = ROOT): string | undefined {
  const dist = join(root, 'dist');
  const outputs = [join(dist, 'cli.cjs'), join(dist, 'help.txt')];
  if (!outputs.every(existsSync)) return 'dist/ has not been built';
  const lazy = join(dist, 'lazy');
  if (existsSync(lazy)) outputs.push(...files(lazy));
  const built = Math.min(...outputs.map(mtime));
  const inputs = [...files(join(root, 'src')), ...INPUTS.map((f) => join(root, f)).filter(existsSync)];
  const newer = inputs.find((f) => mtime(f) > built);
  return newer === undefined ? undefined : `${newer.slice(root.length + 1)} is newer than dist/`;
}

function buildIfStale(): void {
  const why = staleBuild();
  if (why === undefined) return;
  process.stderr.write(`${why}: rebuilding (npm run build)\n`);
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

export default function setup(project: TestProject): void {
  buildIfStale();
  project.onTestsRerun(() => buildIfStale());
}
