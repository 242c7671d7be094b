/**
 * The token runner the clients of one run share: one run of a command at a time, its token
 * reused by other clients for a while, a refresh that waits for no cache, a failure not kept.
 */
import { describe, expect, it } from 'vitest';
import { sharedTokenRunner, TOKEN_REUSE_MS } from '../../src/api/auth.js';

function counting() {
  const pending: { command: string; resolve: (t: string) => void; reject: (e: Error) => void }[] = [];
  const run = (command: string) => new Promise<string>((resolve, reject) => pending.push({ command, resolve, reject }));
  return { run, pending };
}

describe('sharedTokenRunner', () => {
  it('a second client asking while the command runs gets that run, not a new process', async () => {
    const now = 0;
    const c = counting();
    const shared = sharedTokenRunner(c.run, () => now);
    const a = shared('get-token');
    const b = shared('get-token', { fresh: true }); // even a refresh: the run under way is the freshest there is
    expect(c.pending).toHaveLength(1);
    c.pending[0]!.resolve('tok-1');
    expect(await a).toBe('tok-1');
    expect(await b).toBe('tok-1');
    // Another command is its own.
    void shared('other');
    expect(c.pending).toHaveLength(2);
  });

  it('a finished token serves other clients for a while; a refresh, or the time past, runs it again', async () => {
    let now = 0;
    const c = counting();
    const shared = sharedTokenRunner(c.run, () => now);
    const first = shared('get-token');
    c.pending[0]!.resolve('tok-1');
    await first;
    now = TOKEN_REUSE_MS - 1;
    expect(await shared('get-token')).toBe('tok-1');
    expect(c.pending).toHaveLength(1);
    const fresh = shared('get-token', { fresh: true });
    expect(c.pending).toHaveLength(2);
    c.pending[1]!.resolve('tok-2');
    expect(await fresh).toBe('tok-2');
    now += TOKEN_REUSE_MS;
    void shared('get-token');
    expect(c.pending).toHaveLength(3);
  });

  it('a failed run is not kept: the next client runs the command again', async () => {
    const c = counting();
    const shared = sharedTokenRunner(c.run, () => 0);
    const a = shared('get-token');
    c.pending[0]!.reject(new Error('token command failed'));
    await expect(a).rejects.toThrow('token command failed');
    void shared('get-token');
    expect(c.pending).toHaveLength(2);
  });
});
