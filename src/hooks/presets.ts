/**
 * `--exec-payload`: what a hook reads on stdin, shaped for the receivers people page with, so the
 * hook can be a bare `curl --data @-` (README "Hooks" documents each body and gives the recipes):
 * - `event`: the server's event object as `--json` prints it (or the notice line, when there is
 *   no event: the server cannot be reached);
 * - `webhook`: one generic object with a ready `text` line (chat webhooks take `{"text": …}`);
 * - `alertmanager`: a list of one alert as Alertmanager's `POST /api/v2/alerts` takes it;
 * - `pagerduty`: a PagerDuty Events API v2 event (`routing_key` is added by payload.ts).
 * Pure: the caller filters secrets from the result.
 */
import { SERVICES, type Service } from '../api/types.js';
import type { Verdict } from '../domain/verdict.js';
import { sanitizeLine } from '../io/sanitize.js';
import { formatDuration } from '../util/duration.js';
import type { HookCall, HookOrigin } from './payload.js';

/** The Alertmanager `alertname` of the one alert a watched cluster has. */
export const ALERT_NAME = 'FelderaClusterNotHealthy';
/** PagerDuty caps: summary, dedup_key. */
const PD_SUMMARY_MAX = 1024;
const PD_DEDUP_MAX = 255;
/** A summary line is for a chat message or a page: long server texts are cut. */
const SUMMARY_MAX = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

/** `critical` for unhealthy, stale and unreachable; `warning` for starting (as `cluster check` says them); `info` for healthy. */
export function severityOf(v: Verdict): 'critical' | 'warning' | 'info' {
  if (v === 'healthy') return 'info';
  return v === 'starting' ? 'warning' : 'critical';
}

/** The cluster as people name it: its profile, else its host. */
export function clusterName(o: HookOrigin): string {
  return sanitizeLine(o.profile ?? o.host);
}

/** Services that are not Healthy in the call's event (none when there is no event). */
export function failingServices(call: HookCall): Service[] {
  const e = call.subject.event;
  return e ? SERVICES.filter((s) => e[`${s}_status`] !== 'Healthy') : [];
}

/** The verdict before: the line before (every, change), the one before the bad period (firing), the bad one (resolved). */
export function previousVerdict(call: HookCall): Verdict | undefined {
  const t = call.transition;
  if (!t) return call.subject.previous;
  return t.kind === 'resolved' ? t.was : t.before;
}

/** What is wrong, in a few words: `runner Unhealthy`, the reason it cannot be reached, the stale check. */
function detail(call: HookCall): string {
  const { subject: s } = call;
  const v = call.transition?.verdict ?? s.verdict;
  if (v === 'unreachable') return sanitizeLine(s.reason ?? 'the server cannot be reached');
  if (v === 'stale')
    return s.event
      ? `no check recorded since ${sanitizeLine(s.event.recorded_at)}: the monitor has stopped recording`
      : 'the monitor has stopped recording';
  const e = s.event;
  const failing = failingServices(call).map((svc) => `${svc} ${sanitizeLine(String(e?.[`${svc}_status`]))}`);
  return failing.join(', ');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One line for a chat message or a page (`CLUSTER_SUMMARY`, the webhook's `text`):
 * `[FIRING] Feldera prod is unhealthy since 2026-01-05T09:05:10.000Z (4m 2s): runner Unhealthy`,
 * `[RESOLVED] Feldera prod is healthy again after 20m 5s unhealthy`,
 * `Feldera prod is unhealthy: compiler Healthy → Unhealthy` (every / change).
 */
export function summaryLine(call: HookCall, origin: HookOrigin): string {
  const name = `Feldera ${clusterName(origin)}`;
  const t = call.transition;
  const d = detail(call);
  if (t?.kind === 'resolved')
    return cut(
      `[RESOLVED] ${name} is ${t.verdict} again after ${formatDuration(call.at - t.since)} ${t.was}`,
      SUMMARY_MAX,
    );
  if (t?.kind === 'firing') {
    const tag = t.repeat > 0 ? `[FIRING, repeat ${t.repeat}]` : '[FIRING]';
    const held = formatDuration(Math.max(0, call.at - t.since));
    return cut(`${tag} ${name} is ${t.verdict} since ${iso(t.since)} (${held})${d ? `: ${d}` : ''}`, SUMMARY_MAX);
  }
  const changes = call.subject.changes
    .map((c) => `${c.service} ${sanitizeLine(c.from)} → ${sanitizeLine(c.to)}`)
    .join(', ');
  const what = changes || d;
  return cut(`${name} is ${call.subject.verdict}${what ? `: ${what}` : ''}`, SUMMARY_MAX);
}

/**
 * `webhook`: one object for any HTTP receiver. `text` is the summary line; the rest says the same
 * in fields: `transition` (null outside transition mode), `verdict`, `previous_verdict`, `since`
 * and `duration_seconds` (of the bad period, transition mode), `repeat`, `suppressed`, `at` (when
 * the watch ran the hook), `changed`, `failing`, and the `event` (the server's object) or the
 * `notice` (when there is no event).
 */
export function webhookBody(call: HookCall, origin: HookOrigin): Record<string, unknown> {
  const { subject: s, transition: t } = call;
  return {
    text: summaryLine(call, origin),
    source: 'feldera-cluster',
    profile: origin.profile ?? null,
    host: origin.host,
    transition: t?.kind ?? null,
    verdict: t?.verdict ?? s.verdict,
    previous_verdict: previousVerdict(call) ?? null,
    since: t ? iso(t.since) : null,
    duration_seconds: t ? Math.max(0, Math.round((call.at - t.since) / 1000)) : null,
    repeat: t?.kind === 'firing' ? t.repeat : null,
    suppressed: call.suppressed,
    at: iso(call.at),
    changed: s.changes.map((c) => ({ service: c.service, from: c.from, to: c.to })),
    failing: failingServices(call),
    event: s.event ?? null,
    notice: s.event ? null : (s.notice ?? null),
  };
}

/**
 * `alertmanager`: `[alert]` for `POST /api/v2/alerts`. One alert per cluster, identified by its
 * labels — `alertname` (FelderaClusterNotHealthy), `host`, `profile` (when one is in use) and
 * `severity` of the verdict it fired on (kept for the whole episode: a resolve must carry the
 * labels it fired with). `startsAt` is when the bad period began; a resolved alert has `endsAt`
 * (now). A firing one, with `--repeat`, has `endsAt` four repeats ahead (as Prometheus does with
 * its resend delay), so it stays firing while repeats come and ends by itself if the watch stops;
 * without `--repeat` it has none, and Alertmanager ends it after its `resolve_timeout` (5m by
 * default). `generatorURL` is the instance's URL.
 */
export function alertmanagerBody(call: HookCall, origin: HookOrigin, repeatMs: number | undefined): unknown[] {
  const t = call.transition;
  const verdict = t?.verdict ?? call.subject.verdict;
  const fired = t?.firedVerdict ?? verdict;
  const labels: Record<string, string> = {
    alertname: ALERT_NAME,
    host: origin.host,
    ...(origin.profile !== undefined && origin.profile !== '' && { profile: origin.profile }),
    severity: severityOf(fired),
  };
  const since = t?.since ?? call.at;
  const annotations: Record<string, string> = {
    summary: summaryLine(call, origin),
    description:
      t?.kind === 'resolved'
        ? `The cluster monitor of ${origin.host} says healthy again; it was ${t.was} for ${formatDuration(call.at - t.since)}.`
        : `The cluster monitor of ${origin.host} says ${verdict}. \`cluster status${origin.profile ? ` --profile ${origin.profile}` : ` --host ${origin.host}`}\` shows why.`,
    verdict,
    since: iso(since),
    ...(call.subject.event && { event_id: call.subject.event.id }),
  };
  let endsAt: string | undefined;
  if (t?.kind === 'resolved') endsAt = iso(call.at);
  else if (repeatMs !== undefined) endsAt = iso(call.at + 4 * repeatMs);
  return [
    {
      labels,
      annotations,
      startsAt: iso(since),
      ...(endsAt !== undefined && { endsAt }),
      ...(/^https?:\/\//.test(origin.host) && { generatorURL: origin.host }),
    },
  ];
}

/** The PagerDuty incident key of a cluster: one per profile and host. */
export function dedupKey(origin: HookOrigin): string {
  return cut(`feldera-cluster/${origin.profile ? `${origin.profile}/` : ''}${origin.host}`, PD_DEDUP_MAX);
}

/**
 * `pagerduty`: an Events API v2 event (`POST https://events.pagerduty.com/v2/enqueue`):
 * `event_action` trigger (firing, repeats too: PagerDuty adds them to the open incident) or resolve,
 * `dedup_key` per profile and host, and for a trigger the `payload` (summary, source = host,
 * severity, timestamp, component = the failing services, group = the profile or host, class = the
 * verdict, custom_details). The `routing_key` comes first, from `PAGERDUTY_ROUTING_KEY`.
 */
export function pagerdutyBody(call: HookCall, origin: HookOrigin): Record<string, unknown> {
  const t = call.transition;
  const verdict = t?.verdict ?? call.subject.verdict;
  const common = {
    event_action: t?.kind === 'resolved' ? 'resolve' : 'trigger',
    dedup_key: dedupKey(origin),
    client: 'feldera-cluster',
    ...(/^https?:\/\//.test(origin.host) && { client_url: origin.host }),
  };
  if (common.event_action === 'resolve') return common;
  const failing = failingServices(call);
  return {
    ...common,
    payload: {
      summary: cut(summaryLine(call, origin), PD_SUMMARY_MAX),
      source: origin.host,
      severity: severityOf(verdict),
      timestamp: iso(call.at),
      component: failing.length ? failing.join(',') : 'cluster',
      group: clusterName(origin),
      class: verdict,
      custom_details: {
        verdict,
        since: t ? iso(t.since) : null,
        repeat: t?.kind === 'firing' ? t.repeat : null,
        suppressed: call.suppressed,
        event_id: call.subject.event?.id ?? null,
        reason: call.subject.reason ?? null,
      },
    },
  };
}
