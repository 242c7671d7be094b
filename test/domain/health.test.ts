import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../../src/api/types.js';
import { healthVerdict, normalizeHealth, unchangedSince } from '../../src/domain/health.js';
import { EXIT } from '../../src/errors.js';
import { HOUR, MIN, T0 } from './fixtures.js';

/** A HealthStatus as a server of today sends it for one event recorded at `at` (everything unchanged since `since`). */
function status(healthy: Record<'api' | 'compiler' | 'runner', boolean>, at = iso(T0), since = at): HealthStatus {
  const svc = (ok: boolean) => ({
    healthy: ok,
    message: ok ? 'Healthy: ok' : 'Unreachable: down',
    unchanged_since: since,
    checked_at: at,
  });
  return {
    all_healthy: healthy.api && healthy.compiler && healthy.runner,
    api: svc(healthy.api),
    compiler: svc(healthy.compiler),
    runner: svc(healthy.runner),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const ALL = { api: true, compiler: true, runner: true };

describe('normalizeHealth: the v0.121–v0.200 shape {runner, compiler}', () => {
  // As Feldera v0.200 serialized it (chrono, nanoseconds): no api, no all_healthy.
  const legacy = {
    runner: {
      healthy: true,
      message: 'Healthy: The runner service responded successfully to the last health check.',
      unchanged_since: '2025-11-20T08:00:00.123456789Z',
      checked_at: '2025-12-08T12:00:05.987654321Z',
    },
    compiler: {
      healthy: false,
      message: 'Unreachable: …',
      unchanged_since: '2025-12-08T11:40:00.5Z',
      checked_at: '2025-12-08T12:00:05.000001Z',
    },
  };

  it('api is taken as healthy (it answered); all_healthy is compiler and runner', () => {
    const { health, legacy: isLegacy } = normalizeHealth(legacy);
    expect(isLegacy).toBe(true);
    expect(health.all_healthy).toBe(false);
    expect(health.api).toMatchObject({ healthy: true, checked_at: '2025-12-08T12:00:05.987654321Z' });
    expect(health.compiler).toBe(legacy.compiler);
    expect(healthVerdict(health, Date.parse('2025-12-08T12:00:10Z'), 20 * MIN)).toMatchObject({
      verdict: 'unhealthy',
      unhealthy: ['compiler'],
      exitCode: EXIT.UNHEALTHY,
    });
    const fine = normalizeHealth({ ...legacy, compiler: { ...legacy.compiler, healthy: true } }).health;
    expect(healthVerdict(fine, Date.parse('2025-12-08T12:00:10Z'), 20 * MIN)).toMatchObject({
      verdict: 'healthy',
      exitCode: EXIT.OK,
    });
  });

  it("today's shape passes through untouched", () => {
    const h = status(ALL);
    expect(normalizeHealth(h)).toEqual({ health: h, legacy: false });
  });
});

describe('unchangedSince', () => {
  it("today's shape: equal to checked_at (the pre-83023b83e answer, or a change the history would have to confirm) is unknown", () => {
    const h = status(ALL, '2025-12-08T12:00:05.120Z', '2025-12-08T12:00:05.120000Z');
    expect(unchangedSince(h, 'api', false)).toBeUndefined();
    const older = status(ALL, iso(T0 + HOUR), iso(T0));
    expect(unchangedSince(older, 'runner', false)).toBe(T0);
  });

  it('legacy: the server kept it itself, so it stands; api was never reported', () => {
    const { health } = normalizeHealth({ runner: status(ALL).runner, compiler: status(ALL).compiler });
    expect(unchangedSince(health, 'runner', true)).toBe(T0);
    expect(unchangedSince(health, 'api', true)).toBeUndefined();
  });
});

describe('healthVerdict', () => {
  const healthy = status(ALL);
  const checked = T0;

  it('healthy when all healthy and recent (exactly stale-after is still fresh)', () => {
    expect(healthVerdict(healthy, checked + 12 * MIN, 12 * MIN)).toMatchObject({
      verdict: 'healthy',
      exitCode: EXIT.OK,
      ageMs: 12 * MIN,
      checkedAt: checked,
      unhealthy: [],
    });
  });

  it('stale (exit 3) when all healthy but older than stale-after', () => {
    expect(healthVerdict(healthy, checked + 12 * MIN + 1, 12 * MIN)).toMatchObject({
      verdict: 'stale',
      exitCode: EXIT.STALE,
    });
    expect(healthVerdict(healthy, checked + 20 * HOUR, 12 * MIN).ageMs).toBe(20 * HOUR);
  });

  it('unhealthy (exit 2) whatever the age, naming the services', () => {
    const sick = status({ api: true, compiler: false, runner: false });
    expect(healthVerdict(sick, checked + 20 * HOUR, 12 * MIN)).toMatchObject({
      verdict: 'unhealthy',
      exitCode: EXIT.UNHEALTHY,
      unhealthy: ['compiler', 'runner'],
    });
  });

  it('all_healthy false with three healthy services still counts as unhealthy', () => {
    expect(healthVerdict({ ...healthy, all_healthy: false }, checked, 12 * MIN).verdict).toBe('unhealthy');
  });
});
