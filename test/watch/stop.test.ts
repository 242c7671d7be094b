/** Stopping a watch: the stop token, the exit code a signal picks, requests abandoned at once. */
import { describe, expect, it } from 'vitest';
import { abortable, isStop, stopEnd, stopToken } from '../../src/watch/stop.js';

const aborted = (reason: unknown) => {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
};

describe('stopping', () => {
  it('the caller signal names the exit code; without it the deadline passed', () => {
    expect(stopEnd(aborted('SIGTERM'))).toEqual({ reason: 'aborted', signal: 'SIGTERM', exitCode: 143 });
    expect(stopEnd(aborted(new Error('SIGINT')))).toEqual({ reason: 'aborted', signal: 'SIGINT', exitCode: 130 });
    expect(stopEnd(aborted('SIGHUP'))).toMatchObject({ reason: 'aborted', exitCode: 130 });
    expect(stopEnd(new AbortController().signal)).toEqual({ reason: 'timeout', exitCode: 124 });
    expect(stopEnd(undefined)).toEqual({ reason: 'timeout', exitCode: 124 });
  });

  it('a stop token is told apart from anything a request may throw', () => {
    expect(isStop(stopToken('timeout'))).toBe(true);
    expect(isStop(new Error('timeout'))).toBe(false);
    expect(isStop('aborted')).toBe(false);
    expect(isStop(null)).toBe(false);
  });

  it('a request is abandoned at once with the stop token, and not started once stopped', async () => {
    const c = new AbortController();
    const hung = abortable(c.signal, () => new Promise<never>(() => undefined));
    const token = stopToken('aborted');
    c.abort(token);
    await expect(hung).rejects.toBe(token);
    let started = false;
    await expect(abortable(c.signal, async () => (started = true))).rejects.toBe(token);
    expect(started).toBe(false);
  });

  it('otherwise passes the answer or the failure through', async () => {
    const signal = new AbortController().signal;
    await expect(abortable(signal, async () => 42)).resolves.toBe(42);
    await expect(abortable(signal, () => Promise.reject(new Error('reset')))).rejects.toThrow('reset');
  });
});
