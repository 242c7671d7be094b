import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleBuild } from './build.js';

/** A checkout with src/, dist/ and the build config, every file dated `at` (seconds). */
function checkout(at: number): string {
  const root = mkdtempSync(join(tmpdir(), 'cluster-build-'));
  mkdirSync(join(root, 'src', 'api'), { recursive: true });
  mkdirSync(join(root, 'dist', 'lazy'), { recursive: true });
  for (const f of ['src/cli.ts', 'src/api/client.ts', 'dist/cli.cjs', 'dist/help.txt', 'dist/lazy/yaml.cjs']) {
    writeFileSync(join(root, f), '');
    utimesSync(join(root, f), at, at);
  }
  writeFileSync(join(root, 'esbuild.config.mjs'), '');
  utimesSync(join(root, 'esbuild.config.mjs'), at, at);
  return root;
}

describe('the build before the tests', () => {
  it('leaves a dist/ newer than every source alone', () => {
    expect(staleBuild(checkout(1000))).toBeUndefined();
  });

  it('rebuilds when a file deep in src/, or the build config, is newer than the oldest output', () => {
    const deep = checkout(1000);
    utimesSync(join(deep, 'src/api/client.ts'), 1001, 1001);
    expect(staleBuild(deep)).toBe('src/api/client.ts is newer than dist/');
    const config = checkout(1000);
    utimesSync(join(config, 'esbuild.config.mjs'), 1001, 1001);
    expect(staleBuild(config)).toBe('esbuild.config.mjs is newer than dist/');
    const chunk = checkout(1000);
    // a chunk older than the sources: the main file alone being new is not enough
    utimesSync(join(chunk, 'dist/lazy/yaml.cjs'), 999, 999);
    expect(staleBuild(chunk)).toMatch(/^src\/\S+\.ts is newer than dist\/$/);
  });

  it('builds when dist/ is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'cluster-build-'));
    mkdirSync(join(root, 'src'));
    expect(staleBuild(root)).toBe('dist/ has not been built');
  });
});
