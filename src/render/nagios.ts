/**
 * `cluster check` (and `status --format nagios`): a Monitoring Plugins answer —
 *
 *   FELDERA CLUSTER CRITICAL - unhealthy: compiler Unhealthy since 14:02 | 'age'=312s;;1350;0 …
 *   api: Healthy since 2026-12-06 09:14 (1d 4h ago): Healthy: The api service responded …
 *   compiler: Unhealthy since 14:02 (12m ago): Unreachable: Unable to connect to the compiler …
 *
 * The first line is the state, the verdict and why, and after `|` the performance data: the latest
 * check's age against its warning and critical thresholds, each service's health (1/0) and how
 * long it has been unhealthy. The lines after it are the long output the guidelines allow: one per
 * service with its message, and when the check was made. No line holds a `|` (it starts the
 * performance data) or a line break of its own, so text from the server is sanitised and freed of both.
 */
import { SERVICES } from '../api/types.js';
import type { FleetRow } from '../domain/fleet.js';
import { type PluginOptions, type PluginState, type Range, unhealthyFor } from '../domain/nagios.js';
import type { ClusterVerdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import { formatAge, formatTimestamp } from './time.js';
import { checkAge, formatMoment, verdictReason } from './verdict.js';

/** One line of plugin text: sanitised, no `|`. */
function clean(text: string): string {
  return sanitizeLine(text).replace(/\|/g, '/');
}

export function pluginLine(state: PluginState, summary: string, perfdata?: string): string {
  return `FELDERA CLUSTER ${state} - ${clean(summary)}${perfdata ? ` | ${perfdata}` : ''}`;
}

interface View {
  utc: boolean;
  /** The server's now. */
  now: number;
  staleAfterMs: number;
}

function summaryOf(v: ClusterVerdict, view: View): string {
  switch (v.verdict) {
    case 'healthy':
      return `healthy: all services healthy, checked ${formatAge(Math.max(0, v.ageMs ?? 0))}`;
    case 'stale':
      if ((v.ageMs ?? 0) < 0)
        return `stale: the latest check is ${checkAge(v.ageMs ?? 0)}: its age cannot be judged, health unknown`;
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

/** The thresholds of one label for the perfdata: the user's, else the stale limit in the slot its state gives it. */
function slots(o: PluginOptions, label: 'age' | 'unhealthy_for', staleAfterS: number | undefined): [string, string] {
  const show = (r: Range | undefined) => r?.text ?? '';
  let warn = show(o.warning[label]);
  let crit = show(o.critical[label]);
  if (label === 'age' && staleAfterS !== undefined) {
    if (!crit && o.staleState === 'CRITICAL') crit = String(staleAfterS);
    if (!warn && o.staleState === 'WARNING') warn = String(staleAfterS);
  }
  return [warn, crit];
}

/** Performance data of a check that was read (guidelines: 'label'=value[UOM];[warn];[crit];[min];[max]). */
export function perfdata(v: ClusterVerdict, o: PluginOptions, view: View): string {
  const staleS = Math.round(view.staleAfterMs / 1000);
  const [aw, ac] = slots(o, 'age', staleS);
  const out = [`'age'=${Math.max(0, Math.round((v.ageMs ?? 0) / 1000))}s;${aw};${ac};0`];
  const since = unhealthyFor(v, view.now);
  const [uw, uc] = slots(o, 'unhealthy_for', undefined);
  for (const s of SERVICES) {
    const x = v.services.find((y) => y.service === s);
    out.push(`'${s}_healthy'=${x?.status === 'Healthy' ? 1 : 0};;;0;1`);
    const u = since[s];
    out.push(`'${s}_unhealthy_for'=${u === undefined ? 'U' : `${Math.round(u)}s`};${uw};${uc};0`);
  }
  return out.join(' ');
}

/** The long output: a line per service (status, since when, message) and when the check was made. */
function longOutput(row: FleetRow, view: View): string[] {
  const v = row.verdict;
  if (!row.health || v.checkedAt === undefined) return [];
  const lines = v.services.map((s) => {
    const when =
      s.since === undefined
        ? 'since unknown'
        : `since ${formatMoment(s.since, view)} (${formatAge(view.now - s.since)})`;
    return clean(`${s.service}: ${s.status} ${when}: ${row.health![s.service].message}`);
  });
  lines.push(
    clean(
      `checked at ${formatTimestamp(v.checkedAt, view.utc)} (${formatAge(view.now - v.checkedAt)}), stale after ${formatDuration(view.staleAfterMs)}`,
    ),
  );
  return lines;
}

/** The whole plugin answer: the first line with perfdata when a check was read, then the long output. */
export function renderNagios(state: PluginState, row: FleetRow, o: PluginOptions, view: View): string {
  const v = row.verdict;
  const read = v.checkedAt !== undefined && v.services.length > 0;
  const first = pluginLine(state, summaryOf(v, view), read ? perfdata(v, o, view) : undefined);
  return `${[first, ...longOutput(row, view)].join('\n')}\n`;
}
