// Release build: src/ → dist/ as ES module chunks, one per lazily loaded command.
//
// Why a bundle rather than tsc's one-file-per-module output: `cluster event get latest` is held
// to 1.5x of `node -e 0`, and resolving and reading some 40 modules one by one costs more than
// the request itself. Two more start-up savings are made here:
// - commander requires node:child_process eagerly (for executable subcommands, which this
//   program does not use); it gets a stand-in that loads the real module only if touched.
// - ofetch resolves to its platform-neutral build, which does not pull in node-fetch-native
//   (we hand ofetch our own node:http fetch; see src/api/ofetch.ts).
// conf, chalk and cli-table3 stay external: they load only for login/profile writes and for
// terminal output, never on the piped or --json paths that scripts run in loops.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const ofetchNeutral = join(dirname(require.resolve('ofetch/package.json')), 'dist', 'index.mjs');

const startupPlugin = {
  name: 'startup',
  setup(b) {
    b.onResolve({ filter: /^ofetch$/ }, () => ({ path: ofetchNeutral }));
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'startup' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'startup' }, () => ({
      loader: 'js',
      contents:
        "const { createRequire } = require('node:module');\n" +
        'let real;\n' +
        "module.exports = new Proxy({}, { get: (_, key) => (real ??= createRequire(__filename)('node:child_process'))[key] });\n",
    }));
  },
};

const result = await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['conf', 'chalk', 'cli-table3'],
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (commander, cli-table3) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url); const __filename = new URL(import.meta.url).pathname;" },
  plugins: [startupPlugin],
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});

// Remove chunks of earlier builds only after the new ones are written, so a running `cluster`
// (or a test running one) never sees dist/ half-empty.
const fresh = new Set(Object.keys(result.metafile.outputs).map((f) => relative('dist', f)));
for (const dir of ['.', 'chunks']) {
  for (const name of readdirSync(join('dist', dir))) {
    const rel = join(dir, name);
    if (name.endsWith('.js') && !fresh.has(rel)) rmSync(join('dist', rel));
  }
}
