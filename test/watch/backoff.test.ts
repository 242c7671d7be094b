/** Failures, back-off and outages as pure transitions. */
import { describe, expect, it } from 'vitest';
import { ApiError, type ApiErrorKind } from '../../src/api/errors.js';
import { CliError } from '../../src/errors.js';
import {
  answered,
  backoffAttempt,
  backoffDelay,
  classify,
  credentialRefreshed,
  failed,
  type Health,
  heals,
  heard,
  initialHealth,
  jittered,
  noEventsYet,
  pollDone,
} from '../../src/watch/backoff.js';

const api = (kind: ApiErrorKind, status?: number, transient?: boolean) =>
  new ApiError(kind, `${kind} ${status ?? ''}`, { endpoint: '/v0/cluster/events', status, transient });

describe('which failures heal', () => {
  it('rides out no answer, timeouts and 5xx but 501; stops on the rest', () => {
    expect(heals(api('unreachable'), false)).toBe(true);
    expect(heals(api('timeout'), false)).toBe(true);
    expect(heals(api('server', 503), false)).toBe(true);
    expect(heals(api('proxy', 429, true), false)).toBe(true);
    expect(heals(api('server', 501), false)).toBe(false);
    expect(heals(api('no-api', 404), true)).toBe(false);
  });

  it('a garbled answer is a hiccup after good ones, the wrong host before any', () => {
    expect(heals(api('invalid-response', 200), true)).toBe(true);
    expect(heals(api('invalid-response', 200), false)).toBe(false);
  });

  it('classifies: no events yet is an answer, 401/403 a credential, a plain error fatal', () => {
    expect(classify(api('no-events', 404), false)).toEqual({ kind: 'no-events' });
    expect(classify(api('unauthorized', 401), true).kind).toBe('credential');
    expect(classify(api('forbidden', 403), true).kind).toBe('credential');
    expect(classify(api('server', 502), true).kind).toBe('outage');
    expect(classify(new CliError('bad'), true).kind).toBe('fatal');
  });
});

describe('outages', () => {
  it('one notice at the start, failures counted, one notice at the end with the duration', () => {
    let t = failed(initialHealth, 1000, 'connection reset');
    expect(t.notices).toEqual([{ kind: 'outage-start', reason: 'connection reset', at: 1000 }]);
    t = failed(t.health, 3000, 'bad gateway');
    expect(t.notices).toEqual([]);
    expect(t.health.outage).toEqual({ since: 1000, reason: 'connection reset', failures: 2 });
    expect(t.health.attempt).toBe(2);
    const end = answered(t.health, 61_000);
    expect(end.notices).toEqual([{ kind: 'outage-end', durationMs: 60_000, failures: 2 }]);
    expect(end.health).toMatchObject({ outage: undefined, attempt: 0 });
  });

  it('an answer without an outage changes nothing', () => {
    const h: Health = heard(initialHealth);
    expect(answered(h, 5)).toEqual({ health: h, notices: [] });
  });

  it('back-off doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffDelay(5000, 1000, 60_000)).toBe(60_000);
  });

  it('jitter moves a wait by up to ± the fraction, never below zero', () => {
    expect(jittered(10_000, 0, () => 0)).toBe(10_000);
    expect(jittered(10_000, 0.1, () => 0)).toBe(9000);
    expect(jittered(10_000, 0.1, () => 1)).toBe(11_000);
    expect(jittered(10_000, 2, () => 0)).toBe(0);
  });
});

describe('answers that are not events', () => {
  it('"no events recorded yet" is said once, counts as an answer and ends an outage', () => {
    const down = failed(initialHealth, 0, 'reset').health;
    const first = noEventsYet(down, 20_000);
    expect(first.notices).toEqual([{ kind: 'outage-end', durationMs: 20_000, failures: 1 }, { kind: 'no-events' }]);
    expect(first.health.hadAnswer).toBe(true);
    expect(noEventsYet(first.health, 30_000).notices).toEqual([]);
  });

  it('the credential is refreshed once until a whole poll goes through', () => {
    const t = credentialRefreshed(initialHealth, 401);
    expect(t.notices).toEqual([{ kind: 'credential-refresh', status: 401 }]);
    expect(t.health.credentialRefreshed).toBe(true);
    expect(pollDone(t.health).credentialRefreshed).toBe(false);
  });
});

describe('back-off on a flaky link', () => {
  it('any answer starts the back-off over; a list that keeps failing grows its own; a whole poll resets both', () => {
    let h = failed(failed(failed(initialHealth, 0, 'reset').health, 1, 'reset').health, 2, 'reset').health;
    expect(backoffAttempt(h)).toBe(3);
    h = heard(h);
    expect(h.attempt).toBe(0);
    expect(h.outage).toBeDefined(); // the outage goes on until a whole poll went through
    h = failed(h, 3, 'list reset', 'list').health;
    h = failed(heard(h), 4, 'list reset', 'list').health;
    expect(backoffAttempt(h)).toBe(2);
    const end = answered(h, 5);
    expect(end.health).toMatchObject({ attempt: 0, listAttempt: 0, outage: undefined });
    expect(end.notices).toEqual([{ kind: 'outage-end', durationMs: 5, failures: 5 }]);
  });
});
