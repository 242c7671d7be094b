#!/usr/bin/env node
// Launcher: the program is one bundle, dist/cli.cjs (built by `npm ci` through the prepare script).
//
// This file is CommonJS (bin/package.json says so) although the package is "type": "module":
// an ES module entry point makes Node start its ES module loader before the first line runs.
'use strict';

// Fast paths that need nothing of the program: the version (package.json's, which the build puts
// into the program too) and the root help as the build rendered it (dist/help.txt, at the width
// the program never exceeds, so only where the program's width — the terminal's, else COLUMNS,
// else 80, as src/io/io.ts decides it — is at least that).
const fast = fastAnswer(process.argv.slice(2));
if (fast) writeAll(fast());
else run();

/** What the fast path prints for these arguments, or undefined when the program must run. */
function fastAnswer(args) {
  if (args.length !== 1) return undefined;
  if (args[0] === '--version' || args[0] === '-V') return () => `${require('../package.json').version}\n`;
  if ((args[0] === '--help' || args[0] === '-h') && helpWidth() >= 80) {
    return () =>
      require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'dist', 'help.txt'), 'utf8');
  }
  return undefined;
}

function helpWidth() {
  return (require('node:tty').isatty(1) && process.stdout.columns) || Number(process.env.COLUMNS) || 80;
}

/** Straight to the file descriptor: building process.stdout would cost more than the rest. */
function writeAll(answer) {
  const { writeSync } = require('node:fs');
  const text = Buffer.from(answer);
  for (let at = 0; at < text.length; ) {
    try {
      at += writeSync(1, text, at);
    } catch (e) {
      if (e.code !== 'EAGAIN') break; // EPIPE: a closed pipe (`| head -1`) ends it quietly
    }
  }
}

function run() {
  // Node 22.1+ keeps V8's compiled code of the bundle on disk, so later runs skip compiling it.
  // Into the user's cache folder, when that folder exists (or its parent does) and can be written;
  // otherwise, or with NODE_DISABLE_COMPILE_CACHE set, the program runs without it and says nothing.
  // (Checked here: Node's own recursive mkdir never returns on some paths, such as under /proc.)
  const { enableCompileCache } = require('node:module');
  if (enableCompileCache) {
    try {
      const base = cacheBase();
      const fs = require('node:fs');
      if (!fs.existsSync(base)) fs.mkdirSync(base, { mode: 0o700 });
      fs.accessSync(base, fs.constants.W_OK);
      enableCompileCache(require('node:path').join(base, 'feldera-cluster'));
    } catch {
      // no usable cache folder: run without the cache
    }
  }

  const { main } = require('../dist/cli.cjs');
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${e?.message ? e.message : e}\n`);
      process.exitCode = 1;
    },
  );
}

/** The platform's per-user cache folder. */
function cacheBase() {
  const env = process.env;
  const { join } = require('node:path');
  const home = () => require('node:os').homedir();
  if (process.platform === 'win32') return env.LOCALAPPDATA || join(home(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(home(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(home(), '.cache');
}
