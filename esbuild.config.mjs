// Release build: src/cli.ts → dist/cli.cjs, one CommonJS file (bin/cluster.js requires it).
//
// - One file, with every library in it: an installed package needs nothing else (package.json lists
//   them as devDependencies). The program is read and compiled in one go; code of a command that
//   does not run is only pre-parsed, and on Node 22+ not even that once the compile cache is warm.
//   (Libraries only some commands use — conf, cli-table3, chalk — in a second file: no gain on
//   Node 24 or 22; ~7% on Node 20, which is past its end of life.)
// - CommonJS, not ES modules: an ES module graph costs a resolve/link round per module and Node's
//   ES module loader start-up; built-ins become plain require() calls, and `await import()` of a
//   module or built-in becomes a lazy require, so nothing a command does not use is evaluated.
// - ofetch: its entry points read `globalThis.fetch` and `Headers` when loaded (on Node 24 that
//   alone loads Node's whole fetch stack, ~60 ms). `createFetch` is taken from the module that
//   defines it, which touches no global; the client hands it our own fetch (src/api/transport.ts).
// - `await import('node:http')` (and other built-ins loaded on first use) becomes a lazy require:
//   left as import(), it goes through the ES module loader, whose facade reads every export of the
//   module — on Node 24 node:http's lazy `WebSocket` export among them, which loads undici.
// - commander requires node:child_process when loaded (~3 ms), for executable subcommands this
//   program does not have: it gets the module on first use instead.
// - Minified: a smaller file reads and compiles faster.
// - dist/help.txt: the root help, for bin/cluster.js's fast path (see there).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const root = dirname(new URL(import.meta.url).pathname);
const ofetchDist = join(dirname(require.resolve('ofetch/package.json')), 'dist');
// index.mjs starts `import { c as createFetch } from './shared/ofetch.<hash>.mjs'`: re-export that alone.
const [, alias, core] = /import \{ (\w+) as createFetch \} from '(\.\/shared\/[^']+)'/.exec(readFileSync(join(ofetchDist, 'index.mjs'), 'utf8'));

const startup = {
  name: 'startup',
  setup(b) {
    b.onResolve({ filter: /^ofetch$/ }, () => ({ path: 'ofetch', namespace: 'ofetch-core' }));
    b.onLoad({ filter: /.*/, namespace: 'ofetch-core' }, () => ({ contents: `export { ${alias} as createFetch } from './${core}';`, resolveDir: ofetchDist }));
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'lazy' } : undefined));
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents:
        args.path === 'child_process'
          ? "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });"
          : `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { CLUSTER_VERSION: JSON.stringify(version) },
  plugins: [startup],
});

// `cluster --help`, rendered once here: bin/cluster.js prints it without loading the program.
writeFileSync(join(root, 'dist', 'help.txt'), require(join(root, 'dist', 'cli.cjs')).rootHelp());

// Files of earlier builds go only now, so a running `cluster` never sees dist/ half-empty.
for (const name of readdirSync(join(root, 'dist'))) if (name !== 'cli.cjs' && name !== 'help.txt') rmSync(join(root, 'dist', name), { recursive: true });
