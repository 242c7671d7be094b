import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { computeHealthStatus, healthVerdict } from '../../src/domain/health.js';
import { HOUR, MIN, S, T0, ev, full, serverOrder } from './fixtures.js';

describe('computeHealthStatus (the fallback for servers without /v0/cluster_healthz)', () => {
  const events = serverOrder([
    ev(0, S.I, S.I, S.I),
    ev(1 * MIN, S.H, S.I, S.I),
    ev(2 * MIN, S.H, S.U, S.I), // compiler: Initial → Unhealthy is the same (unhealthy) conclusion
    ev(3 * MIN, S.H, S.H, S.U),
    ev(13 * MIN, S.H, S.H, S.U),
  ]);
  const latest = full(events[0]!, { api: 'Healthy: api ok', compiler: 'Healthy: compiler ok', runner: 'Unreachable: runner down' });

  it('unchanged_since: the oldest retained consecutive event with the same healthy conclusion', () => {
    const h = computeHealthStatus(latest, events);
    expect(h.all_healthy).toBe(false);
    expect(h.api).toEqual({ healthy: true, message: 'Healthy: api ok', unchanged_since: events[3]!.recorded_at, checked_at: latest.recorded_at });
    expect(h.compiler).toEqual({ healthy: true, message: 'Healthy: compiler ok', unchanged_since: events[1]!.recorded_at, checked_at: latest.recorded_at });
    // runner: Unhealthy, Unhealthy, Initial, Initial, Initial — all "not healthy", back to the oldest retained
    expect(h.runner).toEqual({ healthy: false, message: 'Unreachable: runner down', unchanged_since: events[4]!.recorded_at, checked_at: latest.recorded_at });
  });

  it('an event recorded between the two requests: the list may be newer or older than latest', () => {
    const newer = ev(23 * MIN); // all healthy, after `latest`
    const h = computeHealthStatus(latest, [newer, ...events]);
    expect(h.runner.unchanged_since).toBe(events[4]!.recorded_at);
    expect(h.api.checked_at).toBe(latest.recorded_at);
    const newest = full(newer);
    const h2 = computeHealthStatus(newest, events); // list fetched before `newer` was recorded
    expect(h2.all_healthy).toBe(true);
    expect(h2.runner).toMatchObject({ healthy: true, unchanged_since: newer.recorded_at, checked_at: newer.recorded_at });
    expect(h2.api.unchanged_since).toBe(events[3]!.recorded_at);
  });

  it('one event; missing self info becomes an empty message', () => {
    const only = ev(0);
    const h = computeHealthStatus(full(only, { api: null }), [only]);
    expect(h.api).toEqual({ healthy: true, message: '', unchanged_since: only.recorded_at, checked_at: only.recorded_at });
  });

  it('same key order as the server answer', () => {
    const h = computeHealthStatus(latest, events);
    expect(Object.keys(h)).toEqual(['all_healthy', 'api', 'compiler', 'runner']);
    expect(Object.keys(h.api)).toEqual(['healthy', 'message', 'unchanged_since', 'checked_at']);
  });
});

describe('healthVerdict', () => {
  const healthy = computeHealthStatus(full(ev(0)), [ev(0)]);
  const checked = T0;

  it('healthy when all healthy and recent (exactly stale-after is still fresh)', () => {
    expect(healthVerdict(healthy, checked + 12 * MIN, 12 * MIN)).toMatchObject({ verdict: 'healthy', exitCode: EXIT.OK, ageMs: 12 * MIN, checkedAt: checked, unhealthy: [] });
  });

  it('stale (exit 3) when all healthy but older than stale-after', () => {
    expect(healthVerdict(healthy, checked + 12 * MIN + 1, 12 * MIN)).toMatchObject({ verdict: 'stale', exitCode: EXIT.STALE });
    expect(healthVerdict(healthy, checked + 20 * HOUR, 12 * MIN).ageMs).toBe(20 * HOUR);
  });

  it('unhealthy (exit 2) whatever the age, naming the services', () => {
    const sick = computeHealthStatus(full(ev(0, S.H, S.U, S.I)), [ev(0, S.H, S.U, S.I)]);
    expect(healthVerdict(sick, checked + 20 * HOUR, 12 * MIN)).toMatchObject({ verdict: 'unhealthy', exitCode: EXIT.UNHEALTHY, unhealthy: ['compiler', 'runner'] });
  });

  it('all_healthy false with three healthy services still counts as unhealthy', () => {
    expect(healthVerdict({ ...healthy, all_healthy: false }, checked, 12 * MIN).verdict).toBe('unhealthy');
  });
});
