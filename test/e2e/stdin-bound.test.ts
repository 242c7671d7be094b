/**
 * `login --api-key-stdin` with an endless standard input — `yes |` (a pipe) and `< /dev/zero` (a
 * device) — once printed the usage error and then kept reading at 100% CPU forever. Now reading
 * stops at 64 KiB and the process exits 64 by itself. The built bin/cluster.js; each run has a
 * generous kill timeout, and the test asserts that it exited on its own (no signal) with 64.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, tempConfigDir } from '../helpers/cli.js';
import { type Sim, sim } from '../helpers/sim.js';

const posix = process.platform !== 'win32';
const KILL_AFTER_MS = 30_000;

function run(
  args: string[],
  stdin: number | NodeJS.ReadableStream,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cleanEnv({ CLUSTER_CONFIG_DIR: tempConfigDir() }),
      stdio: [typeof stdin === 'number' ? stdin : 'pipe', 'ignore', 'pipe'],
    });
    if (typeof stdin !== 'number') {
      child.stdin!.on('error', () => {}); // EPIPE once the CLI stops reading: expected
      (stdin as NodeJS.ReadableStream).pipe(child.stdin!);
    }
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function endless(): ChildProcess {
  return spawn('yes', [], { stdio: ['ignore', 'pipe', 'ignore'] });
}

describe.skipIf(!posix)('an endless standard input', { timeout: 2 * KILL_AFTER_MS }, () => {
  let open: Sim;
  beforeAll(async () => {
    open = await sim({ scenario: 'compiler-outage' }); // authentication off: the pipe is drained
  });
  afterAll(() => open.close());

  const cases: [string, string[]][] = [
    ['--no-verify (the key is read)', ['login', '--host', 'http://127.0.0.1:1', '--api-key-stdin', '--no-verify']],
    ['authentication off (the pipe is drained)', ['login', '--host', 'HOST', '--api-key-stdin']],
  ];

  it.each(cases)('`yes | cluster login … --api-key-stdin`, %s: exit 64 by itself, one error', async (_, args) => {
    const yes = endless();
    try {
      const r = await run(
        args.map((a) => (a === 'HOST' ? open.url : a)),
        yes.stdout!,
      );
      expect(r.signal).toBeNull();
      expect(r.code).toBe(64);
      expect(r.stderr.split('\n')[0]).toBe('error: standard input is longer than 64 KiB; expected one API key');
      expect(r.stderr.match(/^error:/gm)).toHaveLength(1);
    } finally {
      yes.kill();
    }
  });

  it.each(cases)('`cluster login … --api-key-stdin < /dev/zero`, %s: exit 64 by itself', async (_, args) => {
    const fd = openSync('/dev/zero', 'r');
    try {
      const r = await run(
        args.map((a) => (a === 'HOST' ? open.url : a)),
        fd,
      );
      expect(r.signal).toBeNull();
      expect(r.code).toBe(64);
      expect(r.stderr.split('\n')[0]).toBe('error: standard input is longer than 64 KiB; expected one API key');
    } finally {
      closeSync(fd);
    }
  });

  it('a key just under the bound is read (so the bound above can fail)', async () => {
    const { Readable } = await import('node:stream');
    const key = `apikey:${'k'.repeat(60 * 1024)}\n`;
    const r = await run(
      ['login', '--host', 'http://127.0.0.1:1', '--api-key-stdin', '--no-verify'],
      Readable.from([key]),
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });
});
