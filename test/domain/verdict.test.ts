import { describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../../src/api/types.js';
import {
  checkVerdict,
  eventVerdict,
  judge,
  judgeEvent,
  nothingRecorded,
  unreachable,
  VERDICT_EXIT,
  VERDICTS,
  verdictExit,
  worstVerdict,
} from '../../src/domain/verdict.js';

const H: MonitorStatus = 'Healthy';
const I: MonitorStatus = 'InitialUnhealthy';
const U: MonitorStatus = 'Unhealthy';
const T = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;

const statuses = (api: MonitorStatus, compiler: MonitorStatus, runner: MonitorStatus) => ({ api, compiler, runner });

describe('checkVerdict: what the statuses say', () => {
  it('all Healthy and the flag true: healthy', () => {
    expect(checkVerdict(statuses(H, H, H), true)).toBe('healthy');
  });
  it('only InitialUnhealthy among the failing: starting, whatever the flag says', () => {
    expect(checkVerdict(statuses(H, I, H), false)).toBe('starting');
    expect(checkVerdict(statuses(I, I, I), false)).toBe('starting');
    expect(checkVerdict(statuses(H, H, I), true)).toBe('starting');
  });
  it('any Unhealthy: unhealthy, also beside a starting service', () => {
    expect(checkVerdict(statuses(H, U, H), false)).toBe('unhealthy');
    expect(checkVerdict(statuses(I, U, H), false)).toBe('unhealthy');
  });
  it('all Healthy but the flag false: not healthy (a flag that contradicts the statuses is not believed to be good news)', () => {
    expect(checkVerdict(statuses(H, H, H), false)).toBe('unhealthy');
  });
});

describe('judge', () => {
  const base = { statuses: statuses(H, H, H), allHealthy: true, checkedAt: T - 5 * MIN };

  it('healthy while fresh, stale past the limit, and only an all-healthy check goes stale', () => {
    expect(judge(base, { now: T, staleAfterMs: 10 * MIN }).verdict).toBe('healthy');
    expect(judge(base, { now: T, staleAfterMs: 4 * MIN }).verdict).toBe('stale');
    const down = { ...base, statuses: statuses(H, U, H), allHealthy: false };
    expect(judge(down, { now: T, staleAfterMs: 1 }).verdict).toBe('unhealthy');
    const starting = { ...base, statuses: statuses(H, H, I), allHealthy: false };
    expect(judge(starting, { now: T, staleAfterMs: 1 }).verdict).toBe('starting');
  });

  it('a check that is not the latest never goes stale (no limit given)', () => {
    expect(judge(base, { now: T + 1000 * MIN, staleAfterMs: undefined }).verdict).toBe('healthy');
  });

  it('the age is judged against the now it is given', () => {
    const v = judge(base, { now: T, staleAfterMs: 10 * MIN });
    expect(v.ageMs).toBe(5 * MIN);
    expect(v.checkedAt).toBe(T - 5 * MIN);
    expect(v.staleAfterMs).toBe(10 * MIN);
  });

  it('since: healthy since the last service became healthy; unknown when any is unknown', () => {
    const since = { api: T - 60 * MIN, compiler: T - 20 * MIN, runner: T - 90 * MIN };
    expect(judge({ ...base, since }, { now: T, staleAfterMs: 10 * MIN }).since).toBe(T - 20 * MIN);
    expect(judge({ ...base, since: { ...since, runner: undefined } }, { now: T, staleAfterMs: 10 * MIN }).since).toBe(
      undefined,
    );
  });

  it('since: unhealthy since the first failing service began to fail; healthy services do not matter', () => {
    const v = judge(
      {
        ...base,
        statuses: statuses(H, U, I),
        allHealthy: false,
        since: { api: undefined, compiler: T - 30 * MIN, runner: T - 10 * MIN },
      },
      { now: T, staleAfterMs: 10 * MIN },
    );
    expect(v.verdict).toBe('unhealthy');
    expect(v.since).toBe(T - 30 * MIN);
    expect(v.failing).toEqual(['compiler', 'runner']);
  });

  it('since: stale since the last check', () => {
    expect(judge(base, { now: T, staleAfterMs: MIN }).since).toBe(T - 5 * MIN);
  });

  it('failing lists Unhealthy services before starting ones', () => {
    const v = judge({ ...base, statuses: statuses(I, H, U), allHealthy: false }, { now: T, staleAfterMs: MIN });
    expect(v.failing).toEqual(['runner', 'api']);
  });

  it('a flag that disagrees with the statuses is said, either way', () => {
    expect(judge({ ...base, allHealthy: false }, { now: T, staleAfterMs: 10 * MIN }).mismatch).toMatch(
      /all_healthy is false, but all three services are Healthy/,
    );
    expect(judge({ ...base, statuses: statuses(H, U, H) }, { now: T, staleAfterMs: 10 * MIN }).mismatch).toMatch(
      /all_healthy is true, but compiler is Unhealthy/,
    );
    expect(judge(base, { now: T, staleAfterMs: 10 * MIN }).mismatch).toBeUndefined();
  });

  it('inferred statuses are marked as such', () => {
    const v = judge(
      { ...base, statuses: statuses(H, U, H), allHealthy: false, exact: { compiler: false } },
      { now: T, staleAfterMs: MIN },
    );
    expect(v.services.map((s) => s.exact)).toEqual([true, false, true]);
  });
});

describe('judgeEvent and eventVerdict', () => {
  const event = {
    id: '01a21edf-f403-76c6-8342-ea767e3d5433',
    recorded_at: new Date(T - 30 * MIN).toISOString(),
    all_healthy: true,
    api_status: H,
    compiler_status: H,
    runner_status: H,
  };
  it('the latest event goes stale by the limit; the same event shown as history does not', () => {
    expect(judgeEvent(event, { now: T, staleAfterMs: 20 * MIN }).verdict).toBe('stale');
    expect(judgeEvent(event, { now: T, staleAfterMs: undefined }).verdict).toBe('healthy');
  });
  it('eventVerdict names starting events', () => {
    expect(eventVerdict({ ...event, all_healthy: false, runner_status: I })).toBe('starting');
    expect(eventVerdict({ ...event, all_healthy: false, runner_status: U })).toBe('unhealthy');
    expect(eventVerdict(event, true)).toBe('stale');
    expect(eventVerdict({ ...event, all_healthy: false, runner_status: U }, true)).toBe('unhealthy');
  });
});

describe('unreachable and nothing recorded', () => {
  it('unreachable carries the problem and the time it began, when known', () => {
    const v = unreachable({ kind: 'unreachable', message: 'cannot reach x' }, T);
    expect(v).toMatchObject({ verdict: 'unreachable', since: T, services: [], problem: { kind: 'unreachable' } });
  });
  it('no event recorded yet is a starting instance', () => {
    expect(nothingRecorded('no events yet').verdict).toBe('starting');
  });
});

describe('exit codes and the worst of a fleet', () => {
  it('one exit code per verdict: starting exits 2 like unhealthy', () => {
    expect(VERDICTS.map(verdictExit)).toEqual([0, 2, 2, 3, 1]);
    expect(Object.keys(VERDICT_EXIT).sort()).toEqual([...VERDICTS].sort());
  });
  it('unreachable before stale before unhealthy before starting before healthy', () => {
    expect(worstVerdict([])).toBe('healthy');
    expect(worstVerdict(['healthy', 'starting'])).toBe('starting');
    expect(worstVerdict(['starting', 'unhealthy', 'healthy'])).toBe('unhealthy');
    expect(worstVerdict(['unhealthy', 'stale'])).toBe('stale');
    expect(worstVerdict(['stale', 'unreachable', 'healthy'])).toBe('unreachable');
  });
});
