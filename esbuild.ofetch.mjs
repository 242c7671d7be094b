// Where the build takes ofetch's `createFetch` and `FetchError` from (see esbuild.config.mjs for why
// not from ofetch's entry module itself).
//
// Found, not assumed: the module is one that ofetch's public entry imports, and the functions taken
// from it are the very ones the entry exports (compared by identity, the entry loaded here in the
// build). Any change of ofetch's layout that breaks this fails the build with a message saying so,
// rather than bundling something else.

import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const WANTED = ['createFetch', 'FetchError'];

/**
 * The file that defines ofetch's `createFetch` and `FetchError`, and the names it exports them by.
 *
 * @returns {Promise<{ entry: string; file: string; names: { createFetch: string; FetchError: string } }>}
 */
export async function ofetchCore() {
  // The entry Node picks for `import 'ofetch'` (the package's export map, conditions node + import).
  const entry = fileURLToPath(import.meta.resolve('ofetch'));
  const pub = await import('ofetch');
  for (const name of WANTED) {
    if (typeof pub[name] !== 'function') throw new OfetchLayoutError(`its entry ${entry} no longer exports ${name}`);
  }
  // The files of the package the entry imports, as esbuild resolves them (other packages left out).
  const dir = dirname(entry);
  const { metafile } = await build({
    absWorkingDir: dir,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const files = Object.keys(metafile.inputs)
    .map((f) => resolve(dir, f))
    .filter((f) => f !== entry);
  for (const file of files) {
    const mod = await import(pathToFileURL(file).href);
    const names = {};
    for (const name of WANTED) names[name] = Object.keys(mod).find((k) => mod[k] === pub[name]);
    if (WANTED.every((name) => names[name] !== undefined)) return { entry, file, names };
  }
  throw new OfetchLayoutError(
    `none of the modules its entry ${entry} imports (${files.join(', ') || 'none'}) exports both ${WANTED.join(' and ')}`,
  );
}

class OfetchLayoutError extends Error {
  constructor(why) {
    super(
      `ofetch's layout has changed: ${why}. The build takes createFetch from the module that defines it, ` +
        "so that ofetch's entry (which reads globalThis.Headers, loading Node's fetch stack) is never evaluated; " +
        'see esbuild.config.mjs, and check that a new ofetch still has such a module.',
    );
    this.name = 'OfetchLayoutError';
  }
}
