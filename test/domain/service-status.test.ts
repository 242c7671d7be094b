import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../../src/api/types.js';
import { serviceStatuses } from '../../src/domain/service-status.js';
import { ev, MIN, S } from './fixtures.js';

/** The HealthStatus the server makes from `e` (checked_at = its recorded_at, written with more digits). */
function healthOf(e: ReturnType<typeof ev>): HealthStatus {
  const checked = e.recorded_at.replace(/Z$/, '000Z');
  const svc = (s: 'api' | 'compiler' | 'runner') => ({
    healthy: e[`${s}_status`] === 'Healthy',
    message: '',
    unchanged_since: checked,
    checked_at: checked,
  });
  return { all_healthy: e.all_healthy, api: svc('api'), compiler: svc('compiler'), runner: svc('runner') };
}

describe('serviceStatuses', () => {
  it("the latest event's statuses when it is the event the HealthStatus was made from (the same instant, written another way)", () => {
    const e = ev(0, S.H, S.I, S.U);
    expect(serviceStatuses(healthOf(e), e)).toEqual({
      statuses: { api: 'Healthy', compiler: 'InitialUnhealthy', runner: 'Unhealthy' },
      exact: true,
    });
  });
  it('another event (recorded between the two requests), or none: not healthy counts as Unhealthy', () => {
    const before = ev(0, S.H, S.I, S.H);
    const after = ev(10 * MIN, S.H, S.I, S.H);
    const inferred = { statuses: { api: 'Healthy', compiler: 'Unhealthy', runner: 'Healthy' }, exact: false };
    expect(serviceStatuses(healthOf(before), after)).toEqual(inferred);
    expect(serviceStatuses(healthOf(before))).toEqual(inferred);
    // Same instant but a different conclusion: not the same check.
    const h = healthOf(before);
    h.compiler.healthy = true;
    expect(serviceStatuses(h, before).exact).toBe(false);
  });
});
