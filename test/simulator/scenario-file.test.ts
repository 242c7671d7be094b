import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/simulator/scenario-file.js';

const message = (value: unknown): string => {
  try {
    parseScenario(value, 'f.json');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('scenario file readers', () => {
  it('name what each level expected', () => {
    expect(message({ services: [] })).toBe(
      'f.json: services: expected an object with keys api, compiler, runner, got a list',
    );
    expect(message({ services: { api: 3 } })).toBe(
      'f.json: services.api: expected a list of steps or an object with "steps", got 3',
    );
    expect(message({ services: { api: [null] } })).toBe('f.json: services.api[0]: expected a step object, got null');
    expect(message({ recorder: {} })).toBe('f.json: recorder: expected a list of { "at", "running" }, got an object');
    expect(message({ recorder: ['x'] })).toBe('f.json: recorder[0]: expected { "at", "running" }, got "x"');
    expect(message({ name: 7 })).toBe('f.json: top level.name: expected a string, got 7');
    expect(message({ services: { api: [{ at: 'x'.repeat(50), kind: 'healthy' }] } })).toBe(
      `f.json: services.api[0].at: expected a duration ("90s", "5m", "1h30m") or seconds >= 0, got "${'x'.repeat(40)}…"`,
    );
  });

  it('report the first problem in reading order', () => {
    expect(message({ services: { api: [{ kind: 'nope', extra: 1 }] } })).toMatch(
      /services\.api\[0\]: unknown key "extra"/,
    );
    expect(message({ services: { api: [{ kind: 'nope' }] } })).toBe('f.json: services.api[0]: missing "at"');
    expect(message({ services: { api: { steps: [], start: -1, repeat: 0 } } })).toMatch(/services\.api\.start: /);
    expect(
      message({
        recorder: [
          { at: '2m', running: true },
          { at: '1m', running: 'no' },
        ],
      }),
    ).toMatch(/recorder\[1\]\.running: /);
    expect(message({ history: 'x', services: { db: [] } })).toMatch(/: history: /);
  });

  it('keep the documented key order, with optional keys only when given', () => {
    const s = parseScenario({
      history: '1m',
      recorder: [{ running: false, at: 5 }],
      services: {
        runner: { repeat: '1m', steps: [{ resourcesInfo: 'r', kind: 'unhealthy', at: 0, status: 500 }] },
        api: [{ at: 1, kind: 'healthy' }],
      },
    });
    expect(JSON.stringify(s)).toBe(
      '{"name":"scenario","description":"","services":{"api":{"steps":[{"at":1000,"kind":"healthy"}],"start":0},' +
        '"runner":{"steps":[{"at":0,"kind":"unhealthy","status":500,"resourcesInfo":"r"}],"start":0,"repeat":60000}},' +
        '"recorder":[{"at":5000,"running":false}],"history":60000}',
    );
  });
});

describe('check latency and resource monitoring', () => {
  it('a latency below the 5 s timeout, per service or per step; not for a timeout step', () => {
    const s = parseScenario({
      services: { api: { steps: [{ at: 0, kind: 'healthy', latency: '250ms' }], latency: '1s' } },
      resourcesDisabled: true,
    });
    expect(s.services.api).toEqual({ steps: [{ at: 0, kind: 'healthy', latency: 250 }], start: 0, latency: 1000 });
    expect(s.resourcesDisabled).toBe(true);
    expect(message({ services: { api: { steps: [], latency: '5s' } } })).toBe(
      'f.json: services.api.latency: a check that takes 5 s or more times out: use "kind": "timeout"',
    );
    expect(message({ services: { api: [{ at: 0, kind: 'timeout', latency: '1s' }] } })).toBe(
      'f.json: services.api[0].latency: a timeout always takes the full 5 s',
    );
    expect(message({ services: { api: [{ at: 0, kind: 'healthy', latency: 'slow' }] } })).toMatch(
      /services\.api\[0\]\.latency: expected a duration/,
    );
    expect(message({ resourcesDisabled: 'yes' })).toBe('f.json: resourcesDisabled: expected true or false, got "yes"');
    expect(parseScenario({ resourcesDisabled: false }).resourcesDisabled).toBeUndefined();
  });
});

describe('failedInserts', () => {
  it('a list of durations in time order; anything else is refused in one line', () => {
    expect(parseScenario({ failedInserts: ['30m', '2h'] }).failedInserts).toEqual([30 * 60_000, 2 * 3_600_000]);
    expect(() => parseScenario({ failedInserts: ['2h', '30m'] })).toThrow(/failedInserts\[1\].*time order/);
    expect(() => parseScenario({ failedInserts: 'soon' })).toThrow(/failedInserts/);
  });
});
