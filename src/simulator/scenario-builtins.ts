/**
 * The built-in scenarios `cluster simulate --scenario NAME` offers, each a situation a watcher
 * of the cluster should handle: start-up, an outage, flapping, slow checks (a longer healthy
 * period), a stalled recorder, long texts, retention at work.
 */
import type { Scenario } from './scenario-types.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** `slow-checks`: 3 × 1 s of checks + 10 s sleep = 13 s rounds, a 13-minute healthy period. */
const SLOW_CHECK_MS = 1000;

const quiet = (name: string, description: string): Scenario => ({ name, description, services: {}, recorder: [] });

/** Long, multi-line, non-ASCII (with astral characters) texts that pass the 8192-character cap. */
function longTexts(): { body: string; error: string; resources: string } {
  const line = 'Ошибка компилятора — 編譯失敗 — échec ✗ 🚀🦀𝔽𝕖𝕝𝕕𝕖𝕣𝕒 (code 0xE2) — naïve façade';
  const rows: string[] = [];
  for (let i = 1; rows.join('\n').length < 12_000; i++) rows.push(`${String(i).padStart(3, '0')}: ${line}`);
  const body = JSON.stringify({
    status: 'unhealthy: compilation workers crashed',
    details: rows.join('\n'),
  });
  const error =
    'hyper::Error(IncompleteMessage): connection closed before message completed\n' +
    '\tcaused by: \u001b[31mstream reset\u001b[0m by peer\r\n' +
    rows.join('\n');
  const resources = ['Pods (ℹ️ 🧪 diagnostics follow):', ...rows].join('\n');
  return { body, error, resources };
}

const BUILTINS: Record<string, () => Scenario> = {
  healthy: () => quiet('healthy', 'All three services pass every check.'),
  startup: () => ({
    name: 'startup',
    description: 'A fresh instance: services start InitialUnhealthy and come up one by one within 8 minutes.',
    services: {
      api: {
        start: 0,
        steps: [
          { at: 0, kind: 'unhealthy', status: 500, message: '{"status":"unhealthy: unable to reach the database"}' },
          { at: 40 * S, kind: 'healthy' },
        ],
      },
      compiler: {
        start: 0,
        steps: [
          { at: 0, kind: 'unreachable' },
          {
            at: 2 * M,
            kind: 'unhealthy',
            status: 503,
            message: '{"status":"unhealthy: the SQL compiler is still being prepared"}',
          },
          { at: 4 * M + 30 * S, kind: 'healthy' },
        ],
      },
      runner: {
        start: 0,
        steps: [
          { at: 0, kind: 'unreachable' },
          { at: 3 * M, kind: 'timeout' },
          { at: 3 * M + 30 * S, kind: 'unreachable' },
          { at: 8 * M, kind: 'healthy' },
        ],
      },
    },
    recorder: [],
  }),
  'compiler-outage': () => ({
    name: 'compiler-outage',
    description: 'The compiler goes down after 5 minutes (unreachable, then timing out) and recovers at 25 minutes.',
    services: {
      compiler: {
        start: 0,
        steps: [
          { at: 5 * M, kind: 'unreachable' },
          { at: 15 * M, kind: 'timeout' },
          { at: 25 * M, kind: 'healthy' },
        ],
      },
    },
    recorder: [],
  }),
  flapping: () => ({
    name: 'flapping',
    description: 'From minute 2 the runner fails for 90 s of every 3 minutes (refusing, then timing out).',
    services: {
      runner: {
        start: 2 * M,
        repeat: 3 * M,
        steps: [
          { at: 0, kind: 'unreachable' },
          { at: 40 * S, kind: 'timeout' },
          { at: 90 * S, kind: 'healthy' },
        ],
      },
    },
    recorder: [],
  }),
  'slow-checks': () => ({
    name: 'slow-checks',
    description:
      'All healthy, but each of the three checks takes about a second: rounds of ~13 s, so a healthy event every ~13 minutes (60 rounds), not 10.',
    services: {
      api: { start: 0, steps: [], latency: SLOW_CHECK_MS },
      compiler: { start: 0, steps: [], latency: SLOW_CHECK_MS },
      runner: { start: 0, steps: [], latency: SLOW_CHECK_MS },
    },
    recorder: [],
  }),
  stalled: () => ({
    name: 'stalled',
    description:
      'The process that records events dies 3 minutes in while all is healthy: the latest event stays all Healthy and only ages.',
    services: {},
    recorder: [{ at: 3 * M, running: false }],
  }),
  'long-info': () => {
    const t = longTexts();
    return {
      name: 'long-info',
      description:
        'Info texts past 8192 characters, multi-line, non-ASCII with astral characters and control characters.',
      services: {
        compiler: { start: 0, steps: [{ at: 0, kind: 'unhealthy', status: 503, message: t.body }] },
        runner: {
          start: 0,
          steps: [{ at: 0, kind: 'error', message: t.error, resources: 'unhealthy', resourcesInfo: t.resources }],
        },
      },
      recorder: [],
    };
  },
  retention: () => ({
    name: 'retention',
    description:
      '80 hours of pre-filled history with a runner failing 30 s of every 4 minutes: over 3000 events recorded, the 1000 newest retained.',
    history: 80 * H,
    services: {
      runner: {
        start: 0,
        repeat: 4 * M,
        steps: [
          { at: 0, kind: 'unreachable' },
          { at: 30 * S, kind: 'healthy' },
        ],
      },
    },
    recorder: [],
  }),
};

export const BUILTIN_SCENARIO_NAMES = Object.keys(BUILTINS);

export function builtinScenario(name: string): Scenario | undefined {
  return Object.hasOwn(BUILTINS, name) ? BUILTINS[name]!() : undefined;
}
