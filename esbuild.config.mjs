// Release build: src/cli.ts → dist/cli.cjs, one CommonJS file (bin/cluster.js requires it), plus
// dist/lazy/<name>.cjs for what only some commands load.
//
// - Every library is in the build: an installed package needs nothing else (package.json lists
//   them as devDependencies).
// - dist/cli.cjs holds the program and the libraries every run needs (commander, chalk, ofetch).
//   V8 pre-parses every byte of a file it compiles, so prom-client, proper-lockfile, cli-table3
//   and the simulator's server are each a file of their own, required by the dynamic import that
//   loads them (the start-up it saves is in the README's Benchmarks, `node bench/startup.mjs`; Node
//   22+ keeps the compiled code on disk, so it gains less there than Node 20, which must pre-parse
//   every run).
//   Code shared with the main file is not shared with a chunk: a chunk gets its own copy of what it
//   imports, so nothing whose identity matters (an error class tested with instanceof) crosses over.
// - CommonJS, not ES modules: an ES module graph costs a resolve/link round per module and Node's
//   ES module loader start-up; built-ins become plain require() calls, and `await import()` of a
//   module or built-in becomes a lazy require, so nothing a command does not use is evaluated.
// - ofetch: both its entry modules (`ofetch` and `ofetch/node`) read `globalThis.Headers` when they
//   are evaluated, and on Node 20 and 24 that read alone loads Node's whole fetch stack (undici), a
//   quarter or more of the CPU of a whole `event get latest` (`node bench/decisions.mjs` measures
//   both; the README's Benchmarks keep the figures).
//   No option of esbuild drops that read (it keeps every property access: a getter may have side
//   effects; `pure` covers only calls of global names, and the entry's `sideEffects: false` only
//   whole files none of whose exports are used). So the build takes `createFetch` and `FetchError`
//   from the module that defines them and touches no global, found by esbuild.ofetch.mjs through the
//   public entry and checked to be the very functions the entry exports; a changed layout fails the
//   build with a message. After building, the bundle is loaded once in a fresh Node: if that loads
//   undici, the build fails too. The client hands createFetch our own fetch (src/api/transport.ts).
// - `await import('node:http')` (and other built-ins loaded on first use) becomes a lazy require:
//   left as import(), it goes through the ES module loader, whose facade reads every export of the
//   module — on Node 24 node:http's lazy `WebSocket` export among them, which loads undici.
// - commander requires node:child_process when loaded (~3 ms), for executable subcommands this
//   program does not have: it gets the module on first use instead.
// - Minified: a smaller file reads and compiles faster.
// - openid-client is ESM with top-level `import`s only; bundled into the oidc chunk as CommonJS it
//   needs nothing at load time but node:crypto's web crypto and the global fetch (loaded then).
// - dist/help.txt: the root help, for bin/cluster.js's fast path (see there).

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { ofetchCore } from './esbuild.ofetch.mjs';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const root = dirname(new URL(import.meta.url).pathname);
const ofetch = await ofetchCore();

/**
 * What only some commands load, each by a dynamic import, each its own file dist/lazy/<name>.cjs:
 * libraries by package name, and the simulator's server (the command's options and scenario
 * parsing stay in the main file; what crosses over is plain data and the errors it wraps).
 */
const CHUNKS = {
  'prom-client': 'prom-client',
  'proper-lockfile': 'proper-lockfile',
  'cli-table3': 'cli-table3',
  // the exporter's --web-config: YAML, and bcrypt for its basic_auth_users
  yaml: 'yaml',
  bcryptjs: 'bcryptjs',
  simulator: 'src/simulator/index.ts',
  // openid-client (with oauth4webapi and the parts of jose it uses) and our flows: only `login
  // --oidc`, `logout` of an OIDC profile and a token refresh load it, through src/oidc/load.ts.
  oidc: 'src/oidc/index.ts',
};
function chunkOf(spec, importer) {
  if (spec === '../simulator/index.js' && /[\\/]src[\\/]commands[\\/]/.test(importer)) return 'simulator';
  if (spec === './index.js' && /[\\/]src[\\/]oidc[\\/]load\.ts$/.test(importer)) return 'oidc';
  return Object.hasOwn(CHUNKS, spec) && CHUNKS[spec] === spec ? spec : undefined;
}

const startup = {
  name: 'startup',
  setup(b) {
    b.onResolve({ filter: /^ofetch$/ }, () => ({ path: 'ofetch', namespace: 'ofetch-core' }));
    b.onLoad({ filter: /.*/, namespace: 'ofetch-core' }, () => ({
      contents: `export { ${ofetch.names.createFetch} as createFetch, ${ofetch.names.FetchError} as FetchError } from ${JSON.stringify(ofetch.file)};`,
      resolveDir: dirname(ofetch.file),
    }));
    b.onResolve({ filter: /.*/ }, (args) => {
      const name =
        args.kind === 'dynamic-import' && args.namespace === 'file' ? chunkOf(args.path, args.importer) : undefined;
      return name && { path: name, namespace: 'chunk' };
    });
    // An ES module that re-exports the chunk's file: the importer gets what import() of the
    // original would give (an ES module's exports, `default` included; a CommonJS module.exports).
    b.onLoad({ filter: /.*/, namespace: 'chunk' }, (args) => ({
      contents: `export * from './lazy/${args.path}.cjs'; export { default } from './lazy/${args.path}.cjs';`,
    }));
    b.onResolve({ filter: /.*/, namespace: 'chunk' }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'lazy' } : undefined,
    );
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents:
        args.path === 'child_process'
          ? "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });"
          : `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

/** Both builds: CommonJS for Node 20 and later, minified, the version put in, the plugin above. */
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { CLUSTER_VERSION: JSON.stringify(version) },
  plugins: [startup],
};
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs' });
await build({ ...common, entryPoints: CHUNKS, outdir: 'dist/lazy', outExtension: { '.js': '.cjs' } });

// Loading the program must not load Node's fetch stack (see ofetch above): checked in a fresh Node.
const loaded = spawnSync(
  process.execPath,
  [
    '-e',
    `require(${JSON.stringify(join(root, 'dist', 'cli.cjs'))}); console.log(process.moduleLoadList.filter((m) => /undici/.test(m)).join(' '))`,
  ],
  { encoding: 'utf8' },
);
if (loaded.status !== 0 || loaded.stdout.trim() !== '') {
  throw new Error(
    `loading dist/cli.cjs loads Node's fetch stack (${loaded.stdout.trim() || loaded.stderr.trim()}): ` +
      'something in the bundle reads globalThis.Headers, fetch or the like when loaded; see the ofetch note at the top',
  );
}

// `cluster --help`, rendered once here: bin/cluster.js prints it without loading the program.
writeFileSync(join(root, 'dist', 'help.txt'), require(join(root, 'dist', 'cli.cjs')).rootHelp());

// Files of earlier builds go only now, so a running `cluster` never sees dist/ half-empty.
for (const name of readdirSync(join(root, 'dist')))
  if (name !== 'cli.cjs' && name !== 'help.txt' && name !== 'lazy')
    rmSync(join(root, 'dist', name), { recursive: true });
for (const name of readdirSync(join(root, 'dist', 'lazy')))
  if (!Object.hasOwn(CHUNKS, name.replace(/\.cjs$/, ''))) rmSync(join(root, 'dist', 'lazy', name), { recursive: true });
