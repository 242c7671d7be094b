/** The spinner of slow requests: quiet for a second, then what is going on, erased when done. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/io/progress.js';

const ERASE = '\r\u001b[2K';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

function rig(columns = 80) {
  let out = '';
  const shown: boolean[] = [];
  const p = createProgress({ write: (s) => (out += s), columns, now: () => Date.now(), onShown: (s) => shown.push(s) });
  return { p, out: () => out, shown };
}

describe('progress at a terminal', () => {
  it('says nothing for an answer within a second', () => {
    const r = rig();
    r.p.report({ kind: 'start', id: 1, host: 'http://127.0.0.1:8080', endpoint: '/v0/cluster_healthz' });
    vi.advanceTimersByTime(900);
    r.p.report({ kind: 'end', id: 1 });
    vi.advanceTimersByTime(5000);
    expect(r.out()).toBe('');
    expect(r.shown).toEqual([]);
  });

  it('after a second: a spinner with the host and the seconds; a retry says why; erased at the end', () => {
    const r = rig();
    r.p.report({ kind: 'start', id: 1, host: 'http://127.0.0.1:8080', endpoint: '/v0/cluster_healthz' });
    vi.advanceTimersByTime(2050);
    expect(r.out()).toContain('waiting for http://127.0.0.1:8080 · 2s');
    r.p.report({
      kind: 'retry',
      id: 1,
      attempt: 2,
      attempts: 4,
      reason: 'http://h answered 502 Bad \u001b[31mGateway',
      waitMs: 1500,
    });
    vi.advanceTimersByTime(100);
    expect(r.out()).toContain('retrying (2/4) in 2s: http://h answered 502 Bad Gateway');
    r.p.report({ kind: 'end', id: 1 });
    expect(r.out().endsWith(ERASE)).toBe(true);
    expect(r.shown).toEqual([true, false]);
    const before = r.out();
    vi.advanceTimersByTime(5000);
    expect(r.out()).toBe(before);
    // no escape sequence but our own erase, and no line break: it never scrolls
    expect(r.out().split(ERASE).join('')).not.toMatch(/[\u001b\n]/);
  });

  it('several requests: the oldest, and how many more; cut to the width', () => {
    const r = rig(30);
    r.p.report({ kind: 'start', id: 1, host: 'http://a.example:8080', endpoint: '/v0/cluster_healthz' });
    r.p.report({ kind: 'start', id: 2, host: 'http://b.example:8080', endpoint: '/v0/cluster_healthz' });
    vi.advanceTimersByTime(1000);
    const last = r.out().split(ERASE).at(-1)!;
    expect(last).toBe('⠋ waiting for http://a.example'.slice(0, 29));
    r.p.clear();
    expect(r.out().endsWith(ERASE)).toBe(true);
  });
});
