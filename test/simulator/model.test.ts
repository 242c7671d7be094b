import { describe, expect, it } from 'vitest';
import { MONITOR_STATUSES } from '../../src/api/types.js';
import { uuidv7Millis } from '../../src/simulator/ids.js';
import { createModel, nextStatus, RETENTION_COUNT, RETENTION_MS, type StoredEvent } from '../../src/simulator/model.js';
import { builtinScenario, parseScenario, type Scenario } from '../../src/simulator/scenario.js';
import { charCount, TRUNCATION_SUFFIX } from '../../src/simulator/texts.js';
import { HOUR, LONE_SURROGATE, MIN, SEC, T0 } from './helpers.js';

function run(
  scenario: Scenario | object,
  untilMs: number,
  opts: { edition?: 'community' | 'enterprise'; seed?: number } = {},
) {
  const s =
    'recorder' in scenario && 'services' in scenario && 'name' in scenario
      ? (scenario as Scenario)
      : parseScenario(scenario);
  const model = createModel({
    scenario: s,
    edition: opts.edition ?? 'community',
    seed: opts.seed ?? 1,
    monitorStart: T0,
  });
  model.catchUp(T0 + untilMs);
  return model;
}

const rounds = (events: readonly { round: number }[]) => events.map((e) => e.round);
const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);
const atMs = (e: StoredEvent) => e.recordedAtUs / 1000 - T0;
const logged = (m: ReturnType<typeof run>) => m.log.map((l) => l.event);

describe('recording policy', () => {
  it('healthy: the first round, the second (first of this manager), then every 60 rounds', () => {
    const m = run({}, 2 * HOUR);
    const ev = logged(m);
    expect(rounds(ev).slice(0, 5)).toEqual([0, 1, 61, 121, 181]);
    expect(new Set(gaps(rounds(ev)).slice(1))).toEqual(new Set([60]));
    // about 10 minutes apart: 60 rounds of 10 s plus the few ms each round's checks take
    for (const g of gaps(ev.map(atMs)).slice(1)) {
      expect(g).toBeGreaterThan(600_000);
      expect(g).toBeLessThan(601_000);
    }
    expect(
      ev.every((e) => e.api_status === 'Healthy' && e.compiler_status === 'Healthy' && e.runner_status === 'Healthy'),
    ).toBe(true);
    expect(m.events().length).toBe(ev.length);
  });

  it('runs nothing before the first round has finished, then one event', () => {
    const m = run({}, 0);
    expect(m.latest()).toBeUndefined();
    expect(m.health()).toBeUndefined();
    m.catchUp(T0 + 100);
    expect(m.events()).toHaveLength(1);
    expect(m.roundsRun()).toBe(1);
  });

  it('an overall change is recorded at once; unhealthy back-off is 1, 2, 4, 8, 16, 32, then 60 rounds', () => {
    const m = run(
      {
        services: {
          runner: [
            { at: '30m', kind: 'unreachable' },
            { at: '90m', kind: 'healthy' },
          ],
        },
      },
      3 * HOUR,
    );
    const ev = logged(m);
    const down = ev.findIndex((e) => e.runner_status !== 'Healthy');
    const up = ev.findIndex((e, i) => i > down && e.runner_status === 'Healthy');
    // the change is recorded by the first round at or after 30 minutes
    expect(atMs(ev[down]!)).toBeGreaterThanOrEqual(30 * MIN);
    expect(atMs(ev[down]!)).toBeLessThan(30 * MIN + 10.1 * SEC);
    expect(atMs(ev[down - 1]!)).toBeLessThan(30 * MIN);
    // 60 minutes down is ~360 rounds: 1+2+4+8+16+32 = 63, then every 60 rounds
    expect(gaps(rounds(ev.slice(down, up)))).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
    expect(ev.slice(down, up).every((e) => e.runner_status === 'Unhealthy')).toBe(true);
    // recovery is a change: recorded at once, and the back-off is reset
    expect(atMs(ev[up]!)).toBeGreaterThanOrEqual(90 * MIN);
    expect(atMs(ev[up]!)).toBeLessThan(90 * MIN + 10.1 * SEC);
    expect(gaps(rounds(ev.slice(up)))).toEqual(Array(gaps(rounds(ev.slice(up))).length).fill(60));
  });

  it('a change within an unhealthy state waits for the back-off', () => {
    const m = run(
      {
        services: {
          compiler: [{ at: '10m', kind: 'unreachable' }],
          runner: [{ at: '10m30s', kind: 'timeout' }],
        },
      },
      40 * MIN,
    );
    const ev = logged(m);
    const down = ev.findIndex((e) => e.compiler_status !== 'Healthy');
    expect(gaps(rounds(ev.slice(down)))).toEqual([1, 2, 4, 8, 16, 32].slice(0, ev.length - down - 1));
    const firstRunnerDown = ev.find((e) => e.runner_status !== 'Healthy')!;
    // the runner failed at 10m30s (round ~down+3) but nothing new was recorded for it until the back-off allowed
    expect(firstRunnerDown.round).toBe(ev[down]!.round + 3);
    expect(rounds(ev.slice(down))).toContain(firstRunnerDown.round);
  });

  it('a timeout makes the round 5 s longer', () => {
    const m = run({ services: { runner: [{ at: 0, kind: 'timeout' }] } }, 10 * MIN);
    const ev = logged(m);
    expect(atMs(ev[0]!)).toBeGreaterThan(5000);
    // rounds are 10 s apart after each round's work, so ~15 s apart now
    expect(atMs(ev[1]!) - atMs(ev[0]!)).toBeGreaterThan(15_000);
    expect(atMs(ev[1]!) - atMs(ev[0]!)).toBeLessThan(15_100);
  });

  it('ids are UUIDv7 of the recording millisecond, ordered like recorded_at', () => {
    const ev = logged(run(builtinScenario('flapping')!, 3 * HOUR));
    expect(ev.length).toBeGreaterThan(50);
    for (const [i, e] of ev.entries()) {
      expect(e.recorded_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/);
      expect(Date.parse(e.recorded_at) * 1000 + (e.recordedAtUs % 1000)).toBe(e.recordedAtUs);
      const idMs = uuidv7Millis(e.id);
      expect(idMs).toBeLessThanOrEqual(Math.floor(e.recordedAtUs / 1000));
      expect(idMs).toBeGreaterThan(e.recordedAtUs / 1000 - 5);
      if (i > 0) {
        expect(e.id > ev[i - 1]!.id).toBe(true);
        expect(e.recordedAtUs).toBeGreaterThan(ev[i - 1]!.recordedAtUs);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const a = logged(run(builtinScenario('flapping')!, HOUR, { seed: 9 }));
    const b = logged(run(builtinScenario('flapping')!, HOUR, { seed: 9 }));
    const c = logged(run(builtinScenario('flapping')!, HOUR, { seed: 10 }));
    expect(a).toEqual(b);
    expect(a.map((e) => e.id)).not.toEqual(c.map((e) => e.id));
  });

  it('catches up the same whether asked often or once', () => {
    const s = builtinScenario('compiler-outage')!;
    const once = run(s, 2 * HOUR, { seed: 3 });
    const often = createModel({ scenario: s, edition: 'community', seed: 3, monitorStart: T0 });
    for (let t = 0; t <= 2 * HOUR; t += 7_777) often.catchUp(T0 + t);
    often.catchUp(T0 + 2 * HOUR);
    expect(often.log.map((l) => l.event)).toEqual(once.log.map((l) => l.event));
  });
});

describe('InitialUnhealthy', () => {
  it('nextStatus follows poll_success_to_status', () => {
    expect(nextStatus(undefined, true)).toBe('Healthy');
    expect(nextStatus(undefined, false)).toBe('InitialUnhealthy');
    expect(nextStatus('InitialUnhealthy', false)).toBe('InitialUnhealthy');
    expect(nextStatus('InitialUnhealthy', true)).toBe('Healthy');
    expect(nextStatus('Healthy', false)).toBe('Unhealthy');
    expect(nextStatus('Unhealthy', false)).toBe('Unhealthy');
    expect(nextStatus('Unhealthy', true)).toBe('Healthy');
  });

  it('a service is InitialUnhealthy until its first passing check and never again', () => {
    const m = run(
      {
        services: {
          runner: [
            { at: 0, kind: 'unreachable' },
            { at: '1m', kind: 'timeout' },
            { at: '3m', kind: 'healthy' },
            { at: '5m', kind: 'unreachable' },
            { at: '6m', kind: 'healthy' },
          ],
        },
      },
      30 * MIN,
    );
    const ev = logged(m);
    const before = ev.filter((e) => atMs(e) < 3 * MIN);
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.every((e) => e.runner_status === 'InitialUnhealthy')).toBe(true);
    expect(before.some((e) => e.runner_self_info.startsWith('Timeout:'))).toBe(true);
    expect(before.every((e) => e.api_status === 'Healthy')).toBe(true);
    const after = ev.filter((e) => atMs(e) >= 3 * MIN);
    expect(after[0]!.runner_status).toBe('Healthy');
    expect(after.map((e) => e.runner_status)).not.toContain('InitialUnhealthy');
    expect(after.filter((e) => atMs(e) >= 5 * MIN && atMs(e) < 6 * MIN).map((e) => e.runner_status)[0]).toBe(
      'Unhealthy',
    );
  });

  it('is judged from the latest recorded event: a pass that was never recorded does not count', () => {
    // The compiler keeps the cluster unhealthy, so rounds are recorded with back-off only
    // (rounds 0, 1, 2, 4, 8, 16, 32 …). The runner passes during rounds 9-14 only, which are not recorded.
    const m = run(
      {
        services: {
          compiler: [{ at: 0, kind: 'unreachable' }],
          runner: [
            { at: 0, kind: 'unreachable' },
            { at: '85s', kind: 'healthy' },
            { at: '145s', kind: 'unreachable' },
          ],
        },
      },
      10 * MIN,
    );
    const ev = logged(m);
    expect(rounds(ev)).toEqual([0, 1, 2, 4, 8, 16, 32]);
    expect(ev.every((e) => e.runner_status === 'InitialUnhealthy' && e.compiler_status === 'InitialUnhealthy')).toBe(
      true,
    );
  });

  it('startup: all start InitialUnhealthy and come up one by one within 10 minutes', () => {
    const ev = logged(run(builtinScenario('startup')!, 15 * MIN));
    expect([ev[0]!.api_status, ev[0]!.compiler_status, ev[0]!.runner_status]).toEqual([
      'InitialUnhealthy',
      'InitialUnhealthy',
      'InitialUnhealthy',
    ]);
    const firstHealthy = (k: 'api_status' | 'compiler_status' | 'runner_status') => ev.find((e) => e[k] === 'Healthy');
    const api = firstHealthy('api_status')!;
    const compiler = firstHealthy('compiler_status')!;
    const runner = firstHealthy('runner_status')!;
    expect(api.recordedAtUs).toBeLessThan(compiler.recordedAtUs);
    expect(compiler.recordedAtUs).toBeLessThan(runner.recordedAtUs);
    expect(atMs(runner)).toBeLessThan(10 * MIN);
    expect(ev.every((e) => MONITOR_STATUSES.includes(e.api_status))).toBe(true);
    // all healthy is recorded at once when the runner comes up at 8 minutes
    expect(atMs(runner)).toBeGreaterThanOrEqual(8 * MIN);
    expect(atMs(runner)).toBeLessThan(8 * MIN + 10.1 * SEC);
    expect(
      ev.filter((e) => e.recordedAtUs < runner.recordedAtUs).some((e) => e.runner_status !== 'InitialUnhealthy'),
    ).toBe(false);
  });
});

describe('retention', () => {
  it('keeps only the 1000 newest, deleting the oldest by count', () => {
    // every round flips the verdict, so every round is recorded
    const m = run(
      {
        services: {
          runner: {
            repeat: '20s',
            steps: [
              { at: 0, kind: 'unreachable' },
              { at: '10s', kind: 'healthy' },
            ],
          },
        },
      },
      3 * HOUR,
    );
    expect(m.log.length).toBeGreaterThan(RETENTION_COUNT + 50);
    const kept = m.events();
    expect(kept).toHaveLength(RETENTION_COUNT);
    expect(kept.map((e) => e.id)).toEqual(
      m.log
        .slice(-RETENTION_COUNT)
        .map((l) => l.event.id)
        .reverse(),
    );
    expect(kept[0]).toBe(m.latest());
    const deleted = m.log.slice(0, -RETENTION_COUNT);
    expect(deleted.every((l) => l.deletedBecause === 'count')).toBe(true);
    for (const l of deleted) expect(m.get(l.event.id)).toBeUndefined();
    // the 1001st newest is gone, the 1000th is there
    expect(m.get(m.log[m.log.length - RETENTION_COUNT - 1]!.event.id)).toBeUndefined();
    expect(m.get(m.log[m.log.length - RETENTION_COUNT]!.event.id)).toBeDefined();
  });

  it('deletes events older than 72 h at each insert', () => {
    const m = run({}, 80 * HOUR);
    const last = m.latest()!;
    const threshold = last.recordedAtUs + 1000 - RETENTION_MS * 1000;
    const kept = m.events();
    expect(kept.every((e) => e.recordedAtUs >= threshold)).toBe(true);
    expect(kept.length).toBeGreaterThan(420);
    expect(kept.length).toBeLessThan(440);
    const deleted = m.log.filter((l) => l.deletedAtUs !== undefined);
    expect(deleted.length).toBe(m.log.length - kept.length);
    expect(
      deleted.every((l) => l.deletedBecause === 'age' && l.event.recordedAtUs < l.deletedAtUs! - RETENTION_MS * 1000),
    ).toBe(true);
    // the oldest kept is within one healthy interval of the 72 h limit
    expect(kept[kept.length - 1]!.recordedAtUs - threshold).toBeLessThan(601 * 1000 * 1000);
  });

  it('never deletes the latest event, however old: with the recorder stopped nothing is deleted', () => {
    const s = parseScenario({
      recorder: [
        { at: '3m', running: false },
        { at: '100h', running: true },
      ],
    });
    const m = createModel({ scenario: s, edition: 'community', seed: 1, monitorStart: T0 });
    m.catchUp(T0 + 99 * HOUR);
    expect(m.events()).toHaveLength(2);
    expect(m.latest()!.round).toBe(1);
    expect(atMs(m.latest()!)).toBeLessThan(20 * SEC);
    expect(m.health()!.runner.checked_at).toBe(m.latest()!.recorded_at);
    // the restarted recorder writes at once, and the clean-up after that insert removes the 100 h old rows
    m.catchUp(T0 + 100 * HOUR + 1000);
    expect(m.events()).toHaveLength(1);
    expect(atMs(m.latest()!)).toBeGreaterThanOrEqual(100 * HOUR);
    expect(m.log.filter((l) => l.deletedBecause === 'age')).toHaveLength(2);
  });

  it('the retention scenario records more than 1000 events reaching back past 72 h and keeps 1000', () => {
    const s = builtinScenario('retention')!;
    const m = createModel({ scenario: s, edition: 'community', seed: 1, monitorStart: T0 - s.history! });
    m.catchUp(T0);
    expect(m.log.length).toBeGreaterThan(3000);
    expect(m.events()).toHaveLength(RETENTION_COUNT);
    expect(T0 - m.log[0]!.event.recordedAtUs / 1000).toBeGreaterThan(72 * HOUR);
    expect(m.log[0]!.deletedAtUs).toBeDefined();
  });
});

describe('a failed insert (a database hiccup)', () => {
  it('the counter was reset before the insert: the next healthy event is a whole period later, a gap of two', () => {
    const m = run({ failedInserts: ['1h'] }, 3 * HOUR);
    const r = rounds(logged(m));
    // rounds 1, 61, 121, 181, 241, 301, 361 would be recorded; the insert of round 361 (1h 0m 10s) fails
    expect(r.slice(0, 8)).toEqual([0, 1, 61, 121, 181, 241, 301, 421]);
    expect(new Set(gaps(r).slice(1))).toEqual(new Set([60, 120]));
  });

  it('a failed insert of a change is tried again the next round (the latest still says otherwise)', () => {
    const m = run({ failedInserts: ['5m'], services: { compiler: [{ at: '5m', kind: 'unreachable' }] } }, 10 * MIN);
    const down = logged(m).find((e) => e.compiler_status === 'Unhealthy')!;
    expect(atMs(down)).toBeGreaterThan(5 * MIN + 9 * SEC);
    expect(atMs(down)).toBeLessThan(5 * MIN + 25 * SEC);
  });
});

describe('stalled recorder', () => {
  it('stops recording a few minutes in; the latest stays all Healthy and only ages', () => {
    const m = run(builtinScenario('stalled')!, 20 * HOUR);
    const ev = m.events();
    expect(ev.length).toBe(2);
    expect(atMs(m.latest()!)).toBeLessThan(3 * MIN);
    expect(m.health()!.all_healthy).toBe(true);
    const rounds = m.roundsRun();
    expect(rounds).toBeLessThanOrEqual(18);
    m.catchUp(T0 + 40 * HOUR);
    expect(m.roundsRun()).toBe(rounds);
  });

  it('a restarted recorder records its first round at once', () => {
    const m = run({ recorder: [{ at: '25m', running: true }] }, 30 * MIN);
    const ev = logged(m);
    const restarted = ev.find((e) => atMs(e) >= 25 * MIN)!;
    expect(atMs(restarted)).toBeLessThan(25 * MIN + 100);
    expect(rounds(ev).slice(0, 4)).toEqual([0, 1, 61, 121]);
  });
});

describe('unchanged_since (cluster_healthz)', () => {
  it('is the oldest retained consecutive event with the same healthy conclusion', () => {
    const m = run(builtinScenario('compiler-outage')!, 12 * MIN);
    const ev = m.events(); // newest first
    const h = m.health()!;
    expect(h.all_healthy).toBe(false);
    const firstDown = [...ev].reverse().find((e) => e.compiler_status !== 'Healthy')!;
    expect(h.compiler).toEqual({
      healthy: false,
      message: ev[0]!.compiler_self_info,
      unchanged_since: firstDown.recorded_at,
      checked_at: ev[0]!.recorded_at,
    });
    expect(h.compiler.message).toMatch(/^Unreachable: Unable to connect to the compiler at /);
    expect(h.api.unchanged_since).toBe(ev[ev.length - 1]!.recorded_at);
    expect(h.api.healthy).toBe(true);

    m.catchUp(T0 + 40 * MIN);
    const h2 = m.health()!;
    const ev2 = m.events();
    const recovered = [...ev2]
      .reverse()
      .find((e) => e.recordedAtUs > firstDown.recordedAtUs && e.compiler_status === 'Healthy')!;
    expect(atMs(recovered)).toBeGreaterThanOrEqual(25 * MIN);
    expect(h2.compiler.unchanged_since).toBe(recovered.recorded_at);
    expect(h2.compiler.healthy).toBe(true);
    expect(h2.runner.unchanged_since).toBe(ev2[ev2.length - 1]!.recorded_at);
  });

  it('counts InitialUnhealthy as unhealthy', () => {
    const m = run(
      {
        services: {
          runner: [
            { at: 0, kind: 'unreachable' },
            { at: '1m', kind: 'timeout' },
            { at: '3m', kind: 'healthy' },
            { at: '10m', kind: 'error' },
          ],
        },
      },
      13 * MIN,
    );
    const oldestFirst = [...m.events()].reverse();
    expect(oldestFirst[0]!.runner_status).toBe('InitialUnhealthy');
    const firstUnhealthy = oldestFirst.find((e) => e.runner_status === 'Unhealthy')!;
    expect(atMs(firstUnhealthy)).toBeGreaterThanOrEqual(10 * MIN);
    expect(m.health()!.runner).toMatchObject({ healthy: false, unchanged_since: firstUnhealthy.recorded_at });

    const initialOnly = run(
      {
        services: {
          runner: [
            { at: 0, kind: 'unreachable' },
            { at: '1m', kind: 'timeout' },
          ],
        },
      },
      5 * MIN,
    );
    const oldest = [...initialOnly.events()].pop()!;
    expect(initialOnly.events().length).toBeGreaterThan(3);
    expect(initialOnly.health()!.runner).toMatchObject({ healthy: false, unchanged_since: oldest.recorded_at });
    expect(initialOnly.health()!.api).toMatchObject({ healthy: true, unchanged_since: oldest.recorded_at });
  });
});

describe('info texts in events', () => {
  it('long-info: truncated at 8192 characters with the suffix, multi-line and non-ASCII', () => {
    const m = run(builtinScenario('long-info')!, 5 * MIN, { edition: 'enterprise' });
    const e = m.latest()!;
    for (const t of [e.compiler_self_info, e.runner_self_info, e.runner_resources_info]) {
      expect(t.endsWith(TRUNCATION_SUFFIX)).toBe(true);
      expect(charCount(t)).toBe(8192 + charCount(TRUNCATION_SUFFIX));
      expect(t.length).toBeGreaterThan(charCount(t)); // astral characters take two UTF-16 units
      expect(t).not.toMatch(LONE_SURROGATE);
    }
    expect(e.runner_self_info).toContain('\n');
    expect(e.runner_self_info).toContain('\u001b[31m');
    expect(e.runner_self_info).toMatch(/^Error: An unexpected error occurred while checking the health of runner at /);
    expect(e.compiler_self_info).toMatch(
      /^Unhealthy: compiler at \S+ responded with HTTP 503 Service Unavailable and body: \{"status":"unhealthy: compilation workers crashed","details":"001: /,
    );
    expect(e.runner_resources_info).toMatch(/^Pods \(ℹ️ 🧪 diagnostics follow\):\n001: /);
    expect(e.api_self_info).toBe('Healthy: The api service responded successfully to the last health check.');
    // Community edition has no Kubernetes objects to describe, whatever the scenario says
    const community = run(builtinScenario('long-info')!, 5 * MIN).latest()!;
    expect(community.runner_resources_info).toBe('Resources information not available in Community edition.');
    expect(community.runner_self_info).toMatch(
      /^Error: An unexpected error occurred while checking the health of runner at http:\/\/127\.0\.0\.1:8089\/healthz: /,
    );
    expect(community.runner_self_info.endsWith(TRUNCATION_SUFFIX)).toBe(true);
  });

  it('Enterprise: resources describe Kubernetes objects and fail with an unreachable service', () => {
    const m = run({ services: { runner: [{ at: '1m', kind: 'unreachable' }] } }, 2 * MIN, { edition: 'enterprise' });
    const e = m.latest()!;
    expect(e.runner_status).toBe('Unhealthy');
    expect(e.runner_resources_info).toMatch(/^StatefulSet feldera\/feldera-kubernetes-runner: 0\/1 replicas ready/);
    expect(e.api_resources_info).toMatch(/^Deployment feldera\/feldera-api-server: 1\/1 replicas ready/);
  });

  it('Enterprise: a failing resources check alone makes the service unhealthy', () => {
    const m = run({ services: { compiler: [{ at: '1m', kind: 'healthy', resources: 'unhealthy' }] } }, 2 * MIN, {
      edition: 'enterprise',
    });
    expect(m.latest()!.compiler_status).toBe('Unhealthy');
    expect(m.latest()!.compiler_self_info).toMatch(/^Healthy: /);
    const community = run({ services: { compiler: [{ at: '1m', kind: 'healthy', resources: 'unhealthy' }] } }, 2 * MIN);
    expect(community.latest()!.compiler_status).toBe('Healthy');
  });

  it('a verbatim info replaces the wording and is still capped', () => {
    const info = 'é'.repeat(9000);
    const m = run({ services: { api: [{ at: 0, kind: 'error', info }] } }, MIN);
    expect(m.latest()!.api_self_info).toBe('é'.repeat(8192) + TRUNCATION_SUFFIX);
  });
});

describe('round timing: checks one after another, then the 10 s sleep', () => {
  it('slow-checks: three 1 s checks make 13 s rounds, so a healthy event every ~13 minutes', () => {
    const ev = logged(run(builtinScenario('slow-checks')!, 3 * HOUR));
    expect(rounds(ev).slice(0, 4)).toEqual([0, 1, 61, 121]);
    for (const g of gaps(ev.map(atMs)).slice(1)) {
      expect(g).toBeGreaterThan(13 * MIN);
      expect(g).toBeLessThan(13 * MIN + 15 * SEC);
    }
    expect(
      ev.every((e) => e.api_status === 'Healthy' && e.compiler_status === 'Healthy' && e.runner_status === 'Healthy'),
    ).toBe(true);
  });

  it('a timing-out check takes its 5 s: an unhealthy round is 15 s longer with all three timing out', () => {
    const down = run(
      {
        services: {
          api: [{ at: 0, kind: 'timeout' }],
          compiler: [{ at: 0, kind: 'timeout' }],
          runner: [{ at: 0, kind: 'timeout' }],
        },
      },
      HOUR,
    );
    const ev = logged(down);
    // back-off 1, 2, 4, 8, 16, 32, 60 rounds: the 60-round gap is 60 × (10 s + 15 s) = 25 min
    const last = gaps(ev.map(atMs)).at(-1)!;
    expect(gaps(rounds(ev)).at(-1)).toBe(60);
    expect(last).toBeGreaterThan(25 * MIN);
    expect(last).toBeLessThan(25 * MIN + 2 * SEC);
  });

  it('each check sees the scenario at the moment it runs, not at the start of the round', () => {
    // api and compiler take 4 s each: the runner is checked ~8 s into the round, after its step at 6 s
    const m = run(
      {
        services: {
          api: { steps: [], latency: '4s' },
          compiler: { steps: [], latency: '4s' },
          runner: [{ at: '6s', kind: 'unreachable' }],
        },
      },
      SEC * 20,
    );
    expect(logged(m)[0]).toMatchObject({
      api_status: 'Healthy',
      compiler_status: 'Healthy',
      runner_status: 'InitialUnhealthy',
    });
  });

  it("a step's latency wins over its service's", () => {
    const m = run(
      { services: { api: { steps: [{ at: 0, kind: 'healthy', latency: '100ms' }], latency: '4s' } } },
      HOUR,
    );
    const g = gaps(logged(m).map(atMs)).at(-1)!;
    expect(g).toBeGreaterThan(60 * 10_100);
    expect(g).toBeLessThan(60 * 10_300);
  });
});

describe('resources monitoring disabled in the configuration', () => {
  const scenario = { resourcesDisabled: true, services: { runner: [{ at: '5m', kind: 'unreachable' }] } };

  it('every resources text says so, resources count as healthy, no Kubernetes time', () => {
    const m = run(scenario, 10 * MIN, { edition: 'enterprise' });
    const e = m.latest()!;
    for (const t of [e.api_resources_info, e.compiler_resources_info, e.runner_resources_info]) {
      expect(t).toBe('Cluster monitoring resources information is disabled in the configuration.');
    }
    expect(e.runner_status).toBe('Unhealthy'); // its own check still fails
    expect(e.api_status).toBe('Healthy');
    // healthy rounds without the three Kubernetes queries: 60 × (10 s + a few ms)
    const healthy = run({ resourcesDisabled: true }, HOUR, { edition: 'enterprise' });
    for (const g of gaps(logged(healthy).map(atMs)).slice(1)) expect(g).toBeLessThan(601_000);
    const community = run(scenario, 10 * MIN).latest()!;
    expect(community.api_resources_info).toBe(
      'Cluster monitoring resources information is disabled in the configuration.',
    );
  });
});
