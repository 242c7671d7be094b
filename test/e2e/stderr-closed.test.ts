/**
 * A usage error's exit code (64) does not depend on whether its message could be written: stderr
 * closed (`2>&-`), full (`2>/dev/full`, ENOSPC), or a pipe whose reader has gone (EPIPE) used to
 * turn it into 1. The built bin/cluster.js, through /bin/sh as a user runs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../helpers/cli.js';

const posix = process.platform !== 'win32';

/** The exit status of `sh -c script` (the script's last command). */
function sh(script: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], {
      env: cleanEnv({ NODE: process.execPath, BIN }),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const USAGE: [string, string][] = [
  ['an unknown flag (the parser)', '--bogus'],
  ['a bad value (the command)', 'status --format nope'],
];

describe.skipIf(!posix || !existsSync('/dev/full'))('stderr that cannot be written', { timeout: 60_000 }, () => {
  it.each(USAGE)('%s: 64 with stderr closed (2>&-)', async (_, args) => {
    expect((await sh(`"$NODE" "$BIN" ${args} 2>&-`)).code).toBe(64);
  });

  it.each(USAGE)('%s: 64 with stderr full (2>/dev/full)', async (_, args) => {
    expect((await sh(`"$NODE" "$BIN" ${args} 2>/dev/full`)).code).toBe(64);
  });

  it.each(USAGE)('%s: 64 with stderr a pipe whose reader is gone (EPIPE)', async (_, args) => {
    // The reader closes its end and says so (a marker file); only then does cluster start and write.
    const marker = join(mkdtempSync(join(tmpdir(), 'epipe-')), 'reader-closed');
    const r = await sh(
      `exec 3>&1; { until [ -e ${marker} ]; do sleep 0.01; done; "$NODE" "$BIN" ${args}; echo "rc=$?" >&3; } 2>&1 >/dev/null | { exec 0<&-; touch ${marker}; }`,
    );
    expect(r.out).toBe('rc=64\n');
  });

  it('with stderr writable, the same runs print their error (so the cases above are usage errors)', async () => {
    const r = await sh(`"$NODE" "$BIN" --bogus 2>&1; echo "rc=$?"`);
    expect(r.out).toMatch(/^error: unknown option '--bogus'/);
    expect(r.out).toContain('rc=64');
  });
});
