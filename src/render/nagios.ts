/**
 * `status --format nagios`: one line in the Monitoring Plugins format,
 * `FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since 14:02 | age=312s;;1350 api=1 compiler=0 runner=1`:
 * the state, the verdict and why, and after `|` the performance data — the latest check's age in
 * seconds (critical threshold: the staleness limit) and 1/0 per service. A plugin line has no
 * newline of its own and no `|` in the summary (it starts the performance data), so text that came
 * from the server is sanitised and freed of both.
 */
import { SERVICES } from '../api/types.js';
import type { PluginState } from '../domain/nagios.js';
import type { ClusterVerdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import { formatAge } from './time.js';
import { formatMoment, verdictReason } from './verdict.js';

export interface NagiosView {
  utc: boolean;
  /** The server's now. */
  now: number;
  staleAfterMs: number;
}

export function pluginLine(state: PluginState, summary: string, perfdata?: string): string {
  const text = sanitizeLine(summary).replace(/\|/g, '/');
  return `FELDERA CLUSTER ${state} - ${text}${perfdata ? ` | ${perfdata}` : ''}\n`;
}

function summaryOf(v: ClusterVerdict, view: NagiosView): string {
  switch (v.verdict) {
    case 'healthy':
      return `healthy: all services healthy, checked ${formatAge(Math.max(0, v.ageMs ?? 0))}`;
    case 'stale':
      return `stale: no check for ${formatDuration(v.ageMs ?? 0)} (limit ${formatDuration(view.staleAfterMs)}): the monitor has stopped recording, health unknown`;
    case 'unreachable':
      return `unreachable: ${verdictReason(v)}`;
    default: {
      if (v.services.length === 0) return `${v.verdict}: ${verdictReason(v)}`;
      const parts = v.failing.map((s) => {
        const x = v.services.find((y) => y.service === s)!;
        return `${s} ${x.status} since ${x.since === undefined ? 'unknown' : formatMoment(x.since, view)}`;
      });
      return `${v.verdict}: ${parts.length ? parts.join(', ') : 'the server says not all healthy (all_healthy is false)'}`;
    }
  }
}

/** The plugin line of a verdict; performance data only when a check was read. */
export function renderNagios(state: PluginState, v: ClusterVerdict, view: NagiosView): string {
  if (v.checkedAt === undefined || v.services.length === 0) return pluginLine(state, summaryOf(v, view));
  const perf = [
    `age=${Math.max(0, Math.round((v.ageMs ?? 0) / 1000))}s;;${Math.round(view.staleAfterMs / 1000)}`,
    ...SERVICES.map((s) => `${s}=${v.services.find((x) => x.service === s)?.status === 'Healthy' ? 1 : 0}`),
  ];
  return pluginLine(state, summaryOf(v, view), perf.join(' '));
}
