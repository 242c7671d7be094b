#!/usr/bin/env node
// Launcher: the compiled program lives in dist/ (built by `npm ci` through the prepare script).
// dist/cli.cjs is one CommonJS file (see esbuild.config.mjs for why): require() reads and
// compiles it in one step, where an ES module import would go through the ES module loader's
// resolve/link steps for it and for every built-in it uses.
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)('../dist/cli.cjs');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  },
);
