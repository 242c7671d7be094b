/** Where the build takes ofetch's createFetch and FetchError from: see esbuild.ofetch.mjs. */
export function ofetchCore(): Promise<{
  /** ofetch's public entry, as Node resolves `import 'ofetch'`. */
  entry: string;
  /** The module that defines createFetch and FetchError. */
  file: string;
  /** The names that module exports them by. */
  names: { createFetch: string; FetchError: string };
}>;
