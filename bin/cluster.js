#!/usr/bin/env node
// Launcher: the compiled program lives in dist/ (built by `npm ci` through the prepare script).
//
// This file is CommonJS (bin/package.json says so) although the package is "type": "module":
// an ES module entry point makes Node start its ES module loader, ~8 ms before the first line
// runs, for a command whose whole budget is 1.5x `node -e 0`. dist/cli.cjs is one CommonJS file
// for the same reason (see esbuild.config.mjs).
'use strict';
const { main } = require('../dist/cli.cjs');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 1;
  },
);
