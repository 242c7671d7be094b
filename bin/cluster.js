#!/usr/bin/env node
// Launcher: the compiled program lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/cli.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  },
);
