// Modules of src/ for a benchmark: bundled with esbuild for the run (dist/ is a bundle of the CLI
// only) and imported. `exports` are lines such as "export { wrapText } from './src/render/text.ts';".
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadSources(name, exports, external = []) {
  const { build } = await import('esbuild');
  const out = join(mkdtempSync(join(tmpdir(), 'cluster-bench-')), `${name}.mjs`);
  await build({
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'ts' },
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return import(out);
}

/** The median of some numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The median wall time of `runs` calls of fn, in ms (after `warmUp` calls not counted). */
export function timeMedian(fn, runs = 5, warmUp = 0) {
  for (let i = 0; i < warmUp; i++) fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}
