/**
 * The token command runs in a process group of its own: at its time limit the group is stopped,
 * so what the shell started does not outlive the tool (it used to: only /bin/sh was killed). Real
 * processes; the limit is shortened, and "gone" is waited for as a condition, not after a sleep.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRunTokenCommand } from '../../src/api/auth.js';
import { running } from '../helpers/process.js';

const posix = process.platform !== 'win32';

const alive = running;

/** Wait until `pid` is gone; false if it is still there after many checks (the test then fails). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 2000; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

describe.skipIf(!posix)('defaultRunTokenCommand', () => {
  it('prints a token: resolved, trimmed', async () => {
    expect(await defaultRunTokenCommand('echo "  tok-1 "')).toBe('tok-1');
  });

  it('a timeout stops what the shell started, not only the shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-cmd-'));
    const pidFile = join(dir, 'pid');
    const e = await defaultRunTokenCommand(`sleep 1000 & echo $! > ${pidFile}; wait`, {
      timeoutMs: 300,
      atTerminal: false,
    }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/^the token command failed \(timed out after 300 ms\)/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  });

  it('a child that ignores SIGTERM is killed after the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-cmd-'));
    const pidFile = join(dir, 'pid');
    const e = await defaultRunTokenCommand(
      `sh -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 1; done' & wait`,
      { timeoutMs: 300, killGraceMs: 100, atTerminal: false },
    ).catch((x: unknown) => x);
    expect((e as Error).message).toContain('timed out');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await gone(pid)).toBe(true);
  });

  it('a failing command says its exit code and its first stderr line', async () => {
    const e = await defaultRunTokenCommand('echo "no session" >&2; exit 3').catch((x: unknown) => x);
    expect((e as Error).message).toBe('the token command failed (exit 3): no session');
  });

  it('without a terminal it runs in a session of its own; with one it stays in the terminal session, where it can ask on /dev/tty', async () => {
    const ours = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[3]; // session id
    const sessionOf = 'cut -d" " -f6 /proc/$$/stat';
    expect(await defaultRunTokenCommand(sessionOf, { atTerminal: true })).toBe(ours);
    expect(await defaultRunTokenCommand(sessionOf, { atTerminal: false })).not.toBe(ours);
  });

  it('with a terminal a timeout still stops the shell', async () => {
    const e = await defaultRunTokenCommand('exec sleep 1000', { timeoutMs: 300, atTerminal: true }).catch(
      (x: unknown) => x,
    );
    expect((e as Error).message).toMatch(/^the token command failed \(timed out after 300 ms\)/);
  });

  it('a command that reads stdin gets end-of-file', async () => {
    expect(await defaultRunTokenCommand('cat; echo tok-2')).toBe('tok-2');
  });
});
