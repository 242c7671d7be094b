/**
 * Loads ofetch without waking Node's lazy global `fetch`/`Headers`.
 *
 * On Node 20 the first touch of the global fetch loads undici, ~50 ms of start-up for a tool
 * whose whole job is one small request. We hand ofetch our own fetch and Headers (transport.ts)
 * anyway, so ofetch is loaded while the two globals are shadowed, and they are restored untouched
 * right after. The release build (esbuild.config.mjs) bundles ofetch's platform-neutral build,
 * which skips node-fetch-native; from sources (tests) the Node build is loaded, to the same effect.
 */
import type { createFetch as CreateFetch } from 'ofetch';

let cached: typeof CreateFetch | undefined;

export async function loadCreateFetch(): Promise<typeof CreateFetch> {
  if (cached) return cached;
  const names = ['fetch', 'Headers'] as const;
  const saved = names.map((n) => [n, Object.getOwnPropertyDescriptor(globalThis, n)] as const);
  for (const n of names) Object.defineProperty(globalThis, n, { value: undefined, configurable: true, writable: true });
  try {
    cached = (await import('ofetch')).createFetch;
  } finally {
    for (const [n, d] of saved) {
      if (d) Object.defineProperty(globalThis, n, d);
      else delete (globalThis as Record<string, unknown>)[n];
    }
  }
  return cached;
}
