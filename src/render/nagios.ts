/**
 * `status --format nagios`: one line in the Monitoring Plugins format,
 * `FELDERA CLUSTER CRITICAL - compiler Unhealthy since 14:02 | age=312s;;720 api=1 compiler=0 runner=1`:
 * the state, a summary, and after `|` the performance data — the latest check's age in seconds
 * (critical threshold: the staleness limit) and 1/0 per service. A plugin line has no newline of
 * its own and no `|` in the summary (it starts the performance data), so text that came from the
 * server is sanitised and freed of both.
 */
import { type HealthStatus, SERVICES } from '../api/types.js';
import { type HealthVerdict, unchangedSince } from '../domain/health.js';
import type { PluginState } from '../domain/nagios.js';
import type { ServiceStatuses } from '../domain/service-status.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import { formatAge, formatClock, formatTimestamp } from './time.js';

export interface NagiosView {
  utc: boolean;
  /** The server's now. */
  now: number;
  staleAfterMs: number;
  /** The v0.121–v0.200 shape (domain/health.ts unchangedSince). */
  legacy: boolean;
}

export function pluginLine(state: PluginState, summary: string, perfdata?: string): string {
  const text = sanitizeLine(summary).replace(/\|/g, '/');
  return `FELDERA CLUSTER ${state} - ${text}${perfdata ? ` | ${perfdata}` : ''}\n`;
}

/** `14:02` within the last day, else `2026-11-26 14:02` (a `Z` with UTC). */
function since(ms: number, view: NagiosView): string {
  const text =
    view.now - ms < 86_400_000 ? formatClock(ms, view.utc).slice(0, 5) : formatTimestamp(ms, view.utc).slice(0, 16);
  return view.utc ? `${text}Z` : text;
}

function summaryOf(h: HealthStatus, v: HealthVerdict, statuses: ServiceStatuses, view: NagiosView): string {
  if (v.verdict === 'healthy') return `all services healthy, checked ${formatAge(Math.max(0, v.ageMs))}`;
  if (v.verdict === 'stale') {
    const age = `no check for ${formatAge(v.ageMs).replace(/ ago$/, '')} (limit ${formatDuration(view.staleAfterMs)})`;
    return `${age}: the monitor has stopped recording, health unknown`;
  }
  const parts = SERVICES.filter((s) => statuses[s] !== 'Healthy').map((s) => {
    const at = unchangedSince(h, s, view.legacy);
    return `${s} ${statuses[s]} since ${at === undefined ? 'unknown' : since(at, view)}`;
  });
  return parts.length ? parts.join(', ') : 'the server says not all healthy (all_healthy is false)';
}

export function renderNagios(
  state: PluginState,
  h: HealthStatus,
  v: HealthVerdict,
  statuses: ServiceStatuses,
  view: NagiosView,
): string {
  const perf = [
    `age=${Math.max(0, Math.round(v.ageMs / 1000))}s;;${Math.round(view.staleAfterMs / 1000)}`,
    ...SERVICES.map((s) => `${s}=${h[s].healthy ? 1 : 0}`),
  ];
  return pluginLine(state, summaryOf(h, v, statuses, view), perf.join(' '));
}
