// Release build: src/ → dist/cli.cjs (the start-up path) + dist/cold.cjs (every other command).
//
// Why it looks like this: `cluster event get latest` is held to 1.5x of `node -e 0`, and most of
// what such a run costs beyond Node's own start-up is loading our code. Measured on the 2-core
// CI-like box, alternating runs (bench/startup.mjs), each step below was kept because it won:
//
// - CommonJS, not ES modules. An ES module graph costs a resolve/translate/link round per file
//   plus an ESM facade per `node:` built-in; one CommonJS file is read and compiled in one go
//   and built-ins are plain require() calls. (~5 ms against the earlier ESM build with
//   code-split chunks, which loaded 14 files before `main` ran.) bin/cluster.js, an ES module
//   like the rest of the package ("type": "module"), loads it with createRequire.
// - Two files, not one. V8 must at least pre-parse every function in a script it compiles, so
//   the code of commands that are not running (the simulator, login, list, watch…, about 40% of
//   the bytes) is kept out of dist/cli.cjs: a single-file bundle cost ~6 ms more to load.
//   dist/cold.cjs holds those commands and is required only when one of them runs.
//   Modules both need (errors, context, client, config, render…) live ONLY in cli.cjs, which
//   exports them as `__shared`; cold.cjs takes them from there, so there is one CliError class,
//   one ApiError class, one of everything, and `instanceof` in cli.ts keeps working.
// - Dynamic import() of `node:` built-ins (node:http, node:https, node:child_process, node:fs)
//   becomes a lazy require(): same module object, no trip through the ES module loader.
// - commander requires node:child_process eagerly (for executable subcommands, which this
//   program does not use); it gets a stand-in that loads the real module only if touched.
// - ofetch resolves to its platform-neutral build, which does not pull in node-fetch-native
//   (we hand ofetch our own node:http fetch; see src/api/ofetch.ts).
// - chalk (ES-module-only, statically imported by src/render/style.ts, itself loaded lazily) is
//   bundled: a CommonJS bundle cannot require() it on every Node 20. It is evaluated only when
//   colour output is drawn. conf and cli-table3 stay external and are loaded with import() when
//   a command needs them (conf: login/logout/profile use; cli-table3: terminal tables).
//
// - Minified: reading and compiling a 120 KB file is ~1 ms cheaper than the 260 KB unminified
//   one on this box.
//
// Tried and dropped: a V8 code cache for cli.cjs (node:vm Script cachedData made at build time):
// ~1 ms at best, and on Node 20 a script compiled through node:vm cannot use import() (conf and
// cli-table3 need it) once its code comes from a cache. One single CommonJS file for everything:
// ~6 ms slower than the two-file split.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(new URL(import.meta.url).pathname);
const ofetchNeutral = join(dirname(require.resolve('ofetch/package.json')), 'dist', 'index.mjs');
/** Modules cli.cjs may lazily evaluate and cold.cjs may hold a second copy of: stateless only. */
const DUPLICATES_OK = new Set(['src/render/style.ts']);

const key = (abs) => relative(root, abs).split('\\').join('/');
/** `./x.js` as written in a TS source → the repository-relative path of the .ts file. */
function sourceKey(resolveDir, spec) {
  const abs = resolve(resolveDir, spec);
  for (const cand of [abs.replace(/\.js$/, '.ts'), abs.replace(/\.js$/, '.tsx'), abs]) if (existsSync(cand)) return key(cand);
  return undefined;
}

/** Shared by both bundles. */
const common = {
  name: 'startup',
  setup(b) {
    b.onResolve({ filter: /^ofetch$/ }, () => ({ path: ofetchNeutral }));
    // `await import('node:http')` → a lazily required built-in (see the top of this file).
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});\n`,
    }));
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'startup' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'startup' }, () => ({
      loader: 'js',
      contents:
        'let real;\n' +
        "module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });\n",
    }));
  },
};

const options = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['conf', 'cli-table3', './cli.cjs', './cold.cjs'],
  logLevel: 'warning',
  legalComments: 'none',
  // Smaller files read and compile faster (~1 ms less to load cli.cjs). Not `keepNames`: its
  // __name() calls at every definition cost more than minifying saves; our error classes set
  // `name` explicitly, and commander's error names are never printed.
  minify: true,
  metafile: true,
};

// Pass 1 (not written): which commands cli.ts loads lazily (they go to cold.cjs) and which
// modules the start-up path evaluates eagerly (they are shared with cold.cjs).
const coldCommands = new Set();
const probe = await build({
  ...options,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  write: false,
  plugins: [
    common,
    {
      name: 'probe',
      setup(b) {
        b.onResolve({ filter: /^\.\/commands\// }, (args) => {
          const k = sourceKey(args.resolveDir, args.path);
          if (args.kind !== 'dynamic-import' || !k) return undefined;
          coldCommands.add(k);
          return { path: k, external: true };
        });
      },
    },
  ],
});
const inputs = probe.metafile.inputs;
const shared = new Set();
(function walk(file) {
  if (shared.has(file) || !file.startsWith('src/')) return;
  shared.add(file);
  for (const imp of inputs[file]?.imports ?? []) if (imp.kind === 'import-statement' && !imp.external) walk(imp.path);
})('src/cli.ts');

const usedShared = new Set();
// Pass 2: dist/cold.cjs. Each command is evaluated only when it runs (require() inside a bundle
// is lazy); imports of shared modules resolve to cli.cjs's instances.
const cold = await build({
  ...options,
  entryPoints: ['cluster-cold'],
  outfile: 'dist/cold.cjs',
  plugins: [
    common,
    {
      name: 'cold',
      setup(b) {
        b.onResolve({ filter: /^cluster-cold$/ }, () => ({ path: 'cold', namespace: 'entry' }));
        b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
          loader: 'js',
          resolveDir: root,
          contents: `module.exports = {\n${[...coldCommands].sort().map((f) => `  ${JSON.stringify(f)}: () => require('./${f}'),\n`).join('')}};\n`,
        }));
        b.onResolve({ filter: /^\./ }, (args) => {
          if (args.namespace !== 'file') return undefined;
          const k = sourceKey(args.resolveDir, args.path);
          if (!k || !shared.has(k)) return undefined;
          usedShared.add(k);
          return { path: k, namespace: 'shared' };
        });
        b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
          loader: 'js',
          resolveDir: root,
          contents: `module.exports = require('./cli.cjs').__shared[${JSON.stringify(args.path)}];\n`,
        }));
      },
    },
  ],
});

// Pass 3: dist/cli.cjs. Its entry re-exports src/cli.ts and adds `__shared`, the namespaces of
// the modules cold.cjs takes from it (only those: each one listed costs a little compile time).
const sharedList = [...usedShared].sort();
const hot = await build({
  ...options,
  entryPoints: ['cluster-entry'],
  outfile: 'dist/cli.cjs',
  plugins: [
    common,
    {
      name: 'hot',
      setup(b) {
        b.onResolve({ filter: /^cluster-entry$/ }, () => ({ path: 'cli', namespace: 'entry' }));
        b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
          loader: 'js',
          resolveDir: root,
          contents:
            "export * from './src/cli.ts';\n" +
            sharedList.map((f, i) => `import * as m${i} from './${f}';\n`).join('') +
            `export const __shared = {\n${sharedList.map((f, i) => `  ${JSON.stringify(f)}: m${i},\n`).join('')}};\n`,
        }));
        // `import('./commands/login.js')` in cli.ts → take that module from cold.cjs.
        b.onResolve({ filter: /^\.\/commands\// }, (args) => {
          const k = sourceKey(args.resolveDir, args.path);
          return args.kind === 'dynamic-import' && k && coldCommands.has(k) ? { path: k, namespace: 'cold' } : undefined;
        });
        b.onLoad({ filter: /.*/, namespace: 'cold' }, (args) => ({
          loader: 'js',
          resolveDir: root,
          contents: `module.exports = require('./cold.cjs')[${JSON.stringify(args.path)}]();\n`,
        }));
      },
    },
  ],
});

// A module in both files would exist twice (two classes of the same name): only the allowed,
// stateless ones may. This runs before the old files are removed, so a failed build leaves the
// previous dist/ working.
const hotInputs = new Set(Object.keys(hot.metafile.inputs));
const twice = Object.keys(cold.metafile.inputs).filter((f) => f.startsWith('src/') && hotInputs.has(f) && !DUPLICATES_OK.has(f));
if (twice.length) {
  // Fail the build: a second copy of a class breaks `instanceof` (error handling) silently.
  console.error(`esbuild.config.mjs: bundled in both dist/cli.cjs and dist/cold.cjs (so loaded twice): ${twice.join(', ')}`);
  process.exit(1);
}

// Remove files of earlier builds (ES module chunks included) only after the new ones are
// written, so a running `cluster` (or a test running one) never sees dist/ half-empty.
const fresh = new Set(['cli.cjs', 'cold.cjs']);
for (const dir of ['.', 'chunks']) {
  if (!existsSync(join(root, 'dist', dir))) continue;
  for (const name of readdirSync(join(root, 'dist', dir))) {
    const rel = join(dir, name);
    if (/\.(c|m)?js$/.test(name) && !fresh.has(rel)) rmSync(join(root, 'dist', rel));
  }
}
if (existsSync(join(root, 'dist', 'chunks')) && readdirSync(join(root, 'dist', 'chunks')).length === 0) {
  rmSync(join(root, 'dist', 'chunks'), { recursive: true });
}
