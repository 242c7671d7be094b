import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SCENARIO_NAMES,
  loadScenario,
  parseScenario,
  recorderLifetimes,
  ScenarioError,
  stepAt,
} from '../../src/simulator/scenario.js';
import { MIN, SEC } from './helpers.js';

const fixture = new URL('../fixtures/scenarios/db-trouble.json', import.meta.url).pathname;

describe('built-in scenarios', () => {
  it('has the documented names', () => {
    expect(BUILTIN_SCENARIO_NAMES).toEqual([
      'healthy',
      'startup',
      'compiler-outage',
      'flapping',
      'slow-checks',
      'stalled',
      'long-info',
      'retention',
    ]);
  });

  it('loads each by name', () => {
    for (const name of BUILTIN_SCENARIO_NAMES) expect(loadScenario(name).name).toBe(name);
  });
});

describe('scenario files', () => {
  it('parses the documented example', () => {
    const s = loadScenario(fixture);
    expect(s.name).toBe('db-trouble');
    expect(s.history).toBe(60 * MIN);
    expect(s.services.compiler?.steps.map((x) => [x.at, x.kind, x.status])).toEqual([
      [5 * MIN, 'unhealthy', 503],
      [25 * MIN, 'healthy', undefined],
    ]);
    expect(s.services.runner).toMatchObject({ start: 2 * MIN, repeat: 3 * MIN });
    expect(s.recorder).toEqual([
      { at: 40 * MIN, running: false },
      { at: 55 * MIN, running: true },
    ]);
    expect(s.services.api).toBeUndefined();
  });

  const bad: [string, unknown, string][] = [
    ['not an object', [], 'x.json: top level: expected an object, got a list'],
    [
      'unknown top key',
      { servics: {} },
      'x.json: top level: unknown key "servics" (expected name, description, history, services, recorder, failedInserts, resourcesDisabled)',
    ],
    [
      'unknown service',
      { services: { db: [] } },
      'x.json: services: unknown key "db" (expected api, compiler, runner)',
    ],
    [
      'bad kind',
      { services: { runner: [{ at: '1m', kind: 'down' }] } },
      'x.json: services.runner[0].kind: expected one of healthy, unhealthy, unreachable, timeout, error, got "down"',
    ],
    ['missing at', { services: { runner: [{ kind: 'healthy' }] } }, 'x.json: services.runner[0]: missing "at"'],
    [
      'bad duration',
      { services: { runner: [{ at: '5 minutes', kind: 'healthy' }] } },
      'x.json: services.runner[0].at: expected a duration ("90s", "5m", "1h30m") or seconds >= 0, got "5 minutes"',
    ],
    [
      'negative seconds',
      { history: -1 },
      'x.json: history: expected a duration ("90s", "5m", "1h30m") or seconds >= 0, got -1',
    ],
    [
      'out of order',
      {
        services: {
          api: [
            { at: '2m', kind: 'timeout' },
            { at: '1m', kind: 'healthy' },
          ],
        },
      },
      'x.json: services.api[1].at: steps must be in increasing "at" order',
    ],
    [
      'at past repeat',
      { services: { api: { repeat: '1m', steps: [{ at: '1m', kind: 'timeout' }] } } },
      'x.json: services.api[0].at: must be below the repeat period',
    ],
    [
      'status on healthy',
      { services: { api: [{ at: 0, kind: 'healthy', status: 500 }] } },
      'x.json: services.api[0].status: only an "unhealthy" step has an HTTP status',
    ],
    [
      '2xx status',
      { services: { api: [{ at: 0, kind: 'unhealthy', status: 204 }] } },
      'x.json: services.api[0].status: expected an HTTP error status (100-199 or 300-599), got 204',
    ],
    [
      'typo in step',
      { services: { api: [{ at: 0, kind: 'error', mesage: 'x' }] } },
      'x.json: services.api[0]: unknown key "mesage" (expected at, kind, message, status, info, resources, resourcesInfo, latency)',
    ],
    [
      'bad resources',
      { services: { api: [{ at: 0, kind: 'error', resources: 'down' }] } },
      'x.json: services.api[0].resources: expected "healthy" or "unhealthy", got "down"',
    ],
    [
      'recorder running type',
      { recorder: [{ at: '1m', running: 'no' }] },
      'x.json: recorder[0].running: expected true or false, got "no"',
    ],
    [
      'recorder order',
      {
        recorder: [
          { at: '2m', running: false },
          { at: '1m', running: true },
        ],
      },
      'x.json: recorder[1].at: recorder changes must be in time order',
    ],
    [
      'steps not a list',
      { services: { api: { steps: {} } } },
      'x.json: services.api.steps: expected a list of steps, got an object',
    ],
    [
      'zero repeat',
      { services: { api: { repeat: 0, steps: [] } } },
      'x.json: services.api.repeat: expected a period above 0',
    ],
  ];
  it.each(bad)('rejects %s with a one-line message', (_what, value, message) => {
    let err: unknown;
    try {
      parseScenario(value, 'x.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('replaces lone surrogates (Rust strings cannot hold them)', () => {
    const s = parseScenario({ services: { api: [{ at: 0, kind: 'error', message: 'a\ud800b' }] } });
    expect(s.services.api?.steps[0]?.message).toBe('a\ufffdb');
  });

  it('reports unknown names, unreadable files and invalid JSON', () => {
    expect(() => loadScenario('nope')).toThrow(
      'unknown scenario "nope": expected one of healthy, startup, compiler-outage, flapping, slow-checks, stalled, long-info, retention, or the path of a scenario JSON file',
    );
    expect(() => loadScenario('/no/such/file.json')).toThrow('cannot read scenario file /no/such/file.json: ENOENT');
    const dir = mkdtempSync(join(tmpdir(), 'sim-scenario-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "services": ');
    expect(() => loadScenario(broken)).toThrow(/^scenario file .*broken\.json is not valid JSON: /);
  });
});

describe('timelines', () => {
  const timeline = parseScenario({
    services: {
      runner: {
        start: '2m',
        repeat: '3m',
        steps: [
          { at: 0, kind: 'unreachable' },
          { at: '90s', kind: 'healthy' },
          { at: '2m', kind: 'timeout' },
        ],
      },
      api: [
        { at: '1m', kind: 'error' },
        { at: '2m', kind: 'healthy' },
      ],
    },
  }).services;

  it('passes before the first step, then each step holds until the next', () => {
    expect(stepAt(timeline.api, 59 * SEC)).toBeUndefined();
    expect(stepAt(timeline.api, 60 * SEC)?.kind).toBe('error');
    expect(stepAt(timeline.api, 119 * SEC)?.kind).toBe('error');
    expect(stepAt(timeline.api, 120 * SEC)?.kind).toBe('healthy');
    expect(stepAt(timeline.api, 100 * 3600 * SEC)?.kind).toBe('healthy');
  });

  it('repeats from its start with its period', () => {
    const at = (ms: number) => stepAt(timeline.runner, ms)?.kind;
    expect(at(2 * MIN - 1)).toBeUndefined();
    expect(at(2 * MIN)).toBe('unreachable');
    expect(at(3 * MIN + 30 * SEC)).toBe('healthy');
    expect(at(4 * MIN)).toBe('timeout');
    expect(at(5 * MIN)).toBe('unreachable'); // second loop
    expect(at(100 * 3 * MIN + 2 * MIN + 95 * SEC)).toBe('healthy');
  });

  it('turns recorder changes into process lifetimes', () => {
    expect(recorderLifetimes([])).toEqual([{ start: 0, end: Infinity }]);
    expect(recorderLifetimes([{ at: 3 * MIN, running: false }])).toEqual([{ start: 0, end: 3 * MIN }]);
    expect(
      recorderLifetimes([
        { at: 0, running: false },
        { at: MIN, running: true },
        { at: 2 * MIN, running: true },
        { at: 3 * MIN, running: false },
        { at: 4 * MIN, running: false },
      ]),
    ).toEqual([
      { start: MIN, end: 2 * MIN },
      { start: 2 * MIN, end: 3 * MIN },
    ]);
  });
});
