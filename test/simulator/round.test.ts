import { describe, expect, it } from 'vitest';
import { createTextLookup } from '../../src/simulator/event-texts.js';
import { FRESH_LOOP } from '../../src/simulator/policy.js';
import { probeLatencyUs, probeService } from '../../src/simulator/probe.js';
import { createRng } from '../../src/simulator/rng.js';
import { firstCursor, lifetimesUs, planRound, type RoundContext, roundStart } from '../../src/simulator/round.js';
import { parseScenario } from '../../src/simulator/scenario.js';
import { RESOURCES_NOT_AVAILABLE } from '../../src/simulator/texts.js';

const S_US = 1_000_000;

describe('roundStart', () => {
  const lifetimes = [
    { startUs: 0, endUs: 100 * S_US },
    { startUs: 300 * S_US, endUs: Infinity },
  ];

  it('starts when asked while the process lives', () => {
    expect(roundStart(lifetimes, 0, 50 * S_US, 0)).toEqual({ lifetime: 0, startUs: 50 * S_US, restart: false });
  });

  it('the first round of the monitor is not a restart, the first of a later process is', () => {
    expect(roundStart(lifetimes, 0, 0, 0)).toEqual({ lifetime: 0, startUs: 0, restart: false });
    expect(roundStart(lifetimes, 0, 120 * S_US, 0)).toEqual({ lifetime: 1, startUs: 300 * S_US, restart: true });
  });

  it('is undefined once no process is left', () => {
    expect(roundStart(lifetimes.slice(0, 1), 0, 120 * S_US, 0)).toBeUndefined();
  });
});

describe('probes', () => {
  const scenario = parseScenario({
    services: {
      runner: [{ at: 0, kind: 'unreachable' }],
      compiler: [{ at: 0, kind: 'healthy', resources: 'unhealthy' }],
    },
  });

  it('an unreachable service fails its resources in Enterprise only; Community has none to fail', () => {
    expect(probeService(scenario, 'enterprise', 'runner', 0)).toMatchObject({ ok: false, resourcesOk: false });
    expect(probeService(scenario, 'community', 'runner', 0)).toMatchObject({ ok: false, resourcesOk: true });
    expect(probeService(scenario, 'enterprise', 'compiler', 0)).toMatchObject({ ok: false, resourcesOk: false });
    expect(probeService(scenario, 'community', 'compiler', 0)).toMatchObject({ ok: true, resourcesOk: true });
    expect(probeService(scenario, 'enterprise', 'api', 0)).toEqual({ ok: true, step: undefined, resourcesOk: true });
  });

  it('a timeout takes the full 5 s, a refused connection well under 2 ms', () => {
    const rng = createRng(1);
    expect(probeLatencyUs({ at: 0, kind: 'timeout' }, rng)).toBeGreaterThanOrEqual(5 * S_US);
    expect(probeLatencyUs({ at: 0, kind: 'unreachable' }, rng)).toBeLessThanOrEqual(1500);
  });

  it('texts come from the step, and Community resources are always the not-available sentence', () => {
    const probe = probeService(scenario, 'community', 'runner', 0);
    const texts = createTextLookup('community', 'pod')('runner', probe);
    expect(texts.self).toMatch(/^Unreachable: Unable to connect to the runner at /);
    expect(texts.resources).toBe(RESOURCES_NOT_AVAILABLE);
  });
});

describe('planRound', () => {
  function context(recorder: object[]): RoundContext {
    const scenario = parseScenario({ recorder });
    const lifetimes = lifetimesUs(scenario.recorder, 0);
    return {
      scenario,
      edition: 'community',
      rng: createRng(1),
      monitorStartUs: 0,
      lifetimes,
      texts: createTextLookup('community', 'pod'),
    };
  }

  it('plans the first round to record, 10 s after its end comes the next', () => {
    const ctx = context([]);
    const first = planRound(ctx, firstCursor(ctx.lifetimes, FRESH_LOOP), undefined)!;
    expect(first.planned.event?.round).toBe(0);
    expect(first.planned.event?.api_status).toBe('Healthy');
    expect(first.cursor.round).toBe(1);
    expect(first.cursor.nextRoundUs - first.planned.doneUs).toBeGreaterThan(10 * S_US);
    expect(first.cursor.nextRoundUs - first.planned.doneUs).toBeLessThan(10 * S_US + 5000);
  });

  it('a process killed before its insert commits writes nothing', () => {
    const ctx = context([{ at: 0.001, running: false }]);
    const first = planRound(ctx, firstCursor(ctx.lifetimes, FRESH_LOOP), undefined)!;
    expect(first.planned.event).toBeUndefined();
    expect(planRound(ctx, first.cursor, undefined)).toBeUndefined();
  });
});
