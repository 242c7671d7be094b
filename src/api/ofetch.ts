/**
 * Loads ofetch's platform-neutral build without waking Node's lazy global `fetch`/`Headers`.
 *
 * `import 'ofetch'` on Node resolves to a build that pulls in node-fetch-native and touches the
 * global fetch, which loads undici: together ~50 ms of start-up for a tool whose whole job is
 * one small request. We hand ofetch our own fetch (transport.ts) anyway, so its neutral build is
 * loaded while the two globals are shadowed, and they are restored untouched right after.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { createFetch as CreateFetch } from 'ofetch';

let cached: typeof CreateFetch | undefined;

export async function loadCreateFetch(): Promise<typeof CreateFetch> {
  if (cached) return cached;
  const pkg = createRequire(import.meta.url).resolve('ofetch/package.json');
  const entry = pathToFileURL(join(dirname(pkg), 'dist', 'index.mjs')).href;
  const names = ['fetch', 'Headers'] as const;
  const saved = names.map((n) => [n, Object.getOwnPropertyDescriptor(globalThis, n)] as const);
  for (const n of names) Object.defineProperty(globalThis, n, { value: undefined, configurable: true, writable: true });
  try {
    const mod = (await import(entry)) as { createFetch: typeof CreateFetch };
    cached = mod.createFetch;
  } finally {
    for (const [n, d] of saved) {
      if (d) Object.defineProperty(globalThis, n, d);
      else delete (globalThis as Record<string, unknown>)[n];
    }
  }
  return cached;
}
