#!/usr/bin/env node
// The history rules on long histories: `event timeline` (buildTimeline) and `event incidents`
// (groupIncidents) must stay linear in the number of events. The tests check their answers on
// 1000 events; how the time grows is measured here, in one run: each at n and 8n events (medians
// of 9), and the ratio beside what linear (8x) and quadratic (64x) growth would give.
//
//   node bench/domain.mjs [n]      (default n = 1000)
import { loadSources, timeMedian } from './sources.mjs';

const n = Number(process.argv[2] ?? 1000);
const { buildTimeline, groupIncidents } = await loadSources('domain-bench', [
  "export { buildTimeline } from './src/domain/timeline.ts';",
  "export { groupIncidents } from './src/domain/incidents.ts';",
]);

const T0 = Date.UTC(2025, 11, 8, 12, 0, 0);
const HOUR = 3_600_000;

/** `count` events over `spanMs`, newest first (the server's order); every other one the runner flips. */
function events(count, spanMs) {
  const step = spanMs / count;
  const out = [];
  for (let i = 0; i < count; i++) {
    const ms = T0 + i * step;
    const h = ms.toString(16).padStart(12, '0');
    const runner = i % 2 ? 'Healthy' : 'Unhealthy';
    out.push({
      id: `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-${i.toString(16).padStart(12, '0')}`,
      recorded_at: new Date(ms).toISOString(),
      all_healthy: runner === 'Healthy',
      api_status: 'Healthy',
      compiler_status: 'Healthy',
      runner_status: runner,
    });
  }
  return out.reverse();
}

const time = (fn) => timeMedian(fn, 9, 1);

const span = 72 * HOUR;
const cases = [
  [
    'buildTimeline, 200 cells',
    (es) => buildTimeline(es, { start: T0, end: T0 + span, cells: 200, staleAfterMs: 12 * 60_000, now: T0 + span }),
  ],
  ['groupIncidents', (es) => groupIncidents(es, T0 + span)],
];
console.log(`| case | ${n} events | ${8 * n} events | growth (linear 8x, quadratic 64x) |`);
console.log('| --- | --- | --- | --- |');
for (const [name, fn] of cases) {
  const small = events(n, span);
  const large = events(8 * n, span);
  const a = time(() => fn(small));
  const b = time(() => fn(large));
  console.log(`| ${name} | ${a.toFixed(2)} ms | ${b.toFixed(2)} ms | ${(b / a).toFixed(1)}x (target ≤ 16x) |`);
}
