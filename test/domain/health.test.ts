import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../../src/api/types.js';
import {
  healthCheck,
  normalizeHealth,
  provesHistorySince,
  serviceStatuses,
  unchangedSince,
} from '../../src/domain/health.js';
import { judge, verdictExit } from '../../src/domain/verdict.js';
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
    const now = Date.parse('2025-12-08T12:00:10Z');
    expect(healthVerdict(health, now, 20 * MIN, true)).toMatchObject({ verdict: 'unhealthy', failing: ['compiler'] });
    const fine = normalizeHealth({ ...legacy, compiler: { ...legacy.compiler, healthy: true } }).health;
    expect(healthVerdict(fine, now, 20 * MIN, true).verdict).toBe('healthy');
  });

  it("today's shape passes through untouched", () => {
    const h = status(ALL);
    expect(normalizeHealth(h)).toEqual({ health: h, legacy: false });
  });
});

/** The verdict of a health answer whose statuses are inferred from `healthy` (no event read). */
function healthVerdict(h: HealthStatus, now: number, staleAfterMs: number, legacy = false, historySince?: boolean) {
  return judge(healthCheck(h, { legacy, statuses: serviceStatuses(h), historySince }), { now, staleAfterMs });
}

describe('unchangedSince', () => {
  it("today's shape: equal to checked_at is unknown unless the server is known to be v0.336+", () => {
    const h = status(ALL, '2025-12-08T12:00:05.120Z', '2025-12-08T12:00:05.120000Z');
    expect(unchangedSince(h, 'api', false, undefined)).toBeUndefined();
    expect(unchangedSince(h, 'api', false, false)).toBeUndefined();
    expect(unchangedSince(h, 'api', false, true)).toBe(Date.parse('2025-12-08T12:00:05.120Z'));
    const older = status(ALL, iso(T0 + HOUR), iso(T0));
    expect(unchangedSince(older, 'runner', false, undefined)).toBe(T0);
  });

  it('an unchanged_since older than checked_at proves a v0.336+ server; equal ones prove nothing', () => {
    expect(provesHistorySince(status(ALL, iso(T0 + HOUR), iso(T0)), false)).toBe(true);
    expect(provesHistorySince(status(ALL), false)).toBe(false);
  });

  it('legacy: the server kept it itself, so it stands; api was never reported', () => {
    const { health } = normalizeHealth({ runner: status(ALL).runner, compiler: status(ALL).compiler });
    expect(unchangedSince(health, 'runner', true, undefined)).toBe(T0);
    expect(unchangedSince(health, 'api', true, undefined)).toBeUndefined();
    expect(provesHistorySince(health, true)).toBe(false);
  });
});

describe('the verdict of a health answer', () => {
  const healthy = status(ALL);
  const checked = T0;

  it('healthy when all healthy and recent (exactly stale-after is still fresh)', () => {
    const v = healthVerdict(healthy, checked + 12 * MIN, 12 * MIN);
    expect(v).toMatchObject({ verdict: 'healthy', ageMs: 12 * MIN, checkedAt: checked, failing: [] });
    expect(verdictExit(v.verdict)).toBe(EXIT.OK);
  });

  it('stale (exit 3) when all healthy but older than stale-after', () => {
    const v = healthVerdict(healthy, checked + 12 * MIN + 1, 12 * MIN);
    expect(v.verdict).toBe('stale');
    expect(verdictExit(v.verdict)).toBe(EXIT.STALE);
    expect(healthVerdict(healthy, checked + 20 * HOUR, 12 * MIN).ageMs).toBe(20 * HOUR);
  });

  it('unhealthy (exit 2) whatever the age, naming the services', () => {
    const sick = status({ api: true, compiler: false, runner: false });
    const v = healthVerdict(sick, checked + 20 * HOUR, 12 * MIN);
    expect(v).toMatchObject({ verdict: 'unhealthy', failing: ['compiler', 'runner'] });
    expect(verdictExit(v.verdict)).toBe(EXIT.UNHEALTHY);
  });

  it('all_healthy false with three healthy services still counts as unhealthy', () => {
    expect(healthVerdict({ ...healthy, all_healthy: false }, checked, 12 * MIN).verdict).toBe('unhealthy');
  });

  it('starting when the latest event, made at the same check, says InitialUnhealthy', () => {
    const h = status({ api: true, compiler: true, runner: false });
    const event = {
      id: '01a21edf-f403-76c6-8342-ea767e3d5433',
      recorded_at: iso(T0),
      all_healthy: false,
      api_status: 'Healthy' as const,
      compiler_status: 'Healthy' as const,
      runner_status: 'InitialUnhealthy' as const,
    };
    const check = healthCheck(h, { legacy: false, statuses: serviceStatuses(h, event), historySince: true });
    expect(judge(check, { now: T0, staleAfterMs: MIN }).verdict).toBe('starting');
    // An event of another check: the status is not known, and not healthy counts as Unhealthy.
    const other = { ...event, recorded_at: iso(T0 - MIN) };
    const inferred = healthCheck(h, { legacy: false, statuses: serviceStatuses(h, other), historySince: true });
    expect(judge(inferred, { now: T0, staleAfterMs: MIN })).toMatchObject({ verdict: 'unhealthy' });
    expect(inferred.exact?.runner).toBe(false);
  });
});
