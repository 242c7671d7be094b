/**
 * What a hook (`event watch --exec CMD`) gets: its `CLUSTER_*` environment and its stdin, for
 * each run the observer (observer.ts) decides on. Pure: secrets are filtered by the caller's
 * `scrub` (watch-hooks.ts hands in the run's scrubber), exactly as stdout is.
 *
 * When hooks run (`--exec-on`):
 * - `every`: for each line watch prints — every event, and the notice that the newest event has
 *   gone stale (the recorder stopped: Feldera keeps saying "all healthy", and this is the one line
 *   that says otherwise);
 * - `change`: only when the verdict or a service status changed since the line before (the first
 *   line has nothing before it: it is where the watch starts, not a change);
 * - `transition`: when the verdict goes bad (`firing`) and when it is healthy again (`resolved`),
 *   with `--for`, `--repeat` (transition.ts); unreachable, from the watch's outage notices, is a
 *   bad verdict like the others.
 */
import type { ClusterEvent } from '../api/types.js';
import type { StatusChange } from '../domain/order.js';
import type { Verdict } from '../domain/verdict.js';
import { formatJson } from '../render/json.js';
import { alertmanagerBody, pagerdutyBody, previousVerdict, summaryLine, webhookBody } from './presets.js';
import type { Run } from './transition.js';

export type ExecOn = 'every' | 'change' | 'transition';
export const EXEC_ON: readonly ExecOn[] = ['every', 'change', 'transition'];

/** What a hook gets on stdin (`--exec-payload`), see presets.ts. */
export type ExecPayload = 'event' | 'webhook' | 'alertmanager' | 'pagerduty';
export const EXEC_PAYLOAD: readonly ExecPayload[] = ['event', 'webhook', 'alertmanager', 'pagerduty'];

/** The variable the `pagerduty` preset takes its routing key from (never printed). */
export const PAGERDUTY_KEY_ENV = 'PAGERDUTY_ROUTING_KEY';

/** `--exec CMD` and its companions on `event watch`. */
export interface ExecOptions {
  command: string;
  timeoutMs: number;
  on: ExecOn;
  /** `--for`: a bad verdict holds this long before it fires (transition only; 0: at once). */
  forMs?: number;
  /** `--repeat`: run again this often while firing (transition only). */
  repeatMs?: number;
  /** `--exec-min-interval`: at most one run per interval. */
  minIntervalMs?: number;
  /** `--exec-payload` (default `event`). */
  payload?: ExecPayload;
}

/** Variables a hook never inherits: they carry the credential. */
export const CREDENTIAL_ENV = ['FELDERA_API_KEY', 'FELDERA_AUTH_TOKEN_COMMAND'] as const;

/** A line watch showed (an event, or a notice that changed the verdict), as the hooks see it. */
export interface HookSubject {
  /** The event the line is about; undefined for a notice without one (the server cannot be reached). */
  event: ClusterEvent | undefined;
  /** The notice's line as `event watch --json` prints it, when there is no event. */
  notice?: Record<string, unknown>;
  verdict: Verdict;
  /** The verdict of the line before, if there was one. */
  previous: Verdict | undefined;
  changes: readonly StatusChange[];
  /** Why the server cannot be reached (unreachable). */
  reason?: string;
}

/** One run of the hook: what it is about, when (the watch's clock), and the transition in transition mode. */
export interface HookCall {
  subject: HookSubject;
  at: number;
  transition?: Run;
  /** Runs held back by `--exec-min-interval` since the last run, never run. */
  suppressed: number;
}

export interface HookJob {
  /** For messages: `the hook for event <id>`, `the firing hook (unreachable)`. */
  label: string;
  /** The `CLUSTER_*` variables (the runner adds the inherited environment). */
  env: Record<string, string>;
  /** What the hook reads on stdin, a newline at its end. */
  stdin: string;
}

/** Where the hooks' events come from: the connection's profile and host. */
export interface HookOrigin {
  profile: string | undefined;
  host: string;
}

export function shouldRun(on: Exclude<ExecOn, 'transition'>, s: HookSubject): boolean {
  if (on === 'every') return true;
  return s.changes.length > 0 || (s.previous !== undefined && s.previous !== s.verdict);
}

/** `compiler:Healthy>Unhealthy,runner:Healthy>InitialUnhealthy`, or empty. */
export function changedText(changes: readonly StatusChange[]): string {
  return changes.map((c) => `${c.service}:${c.from}>${c.to}`).join(',');
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The `CLUSTER_*` variables of a run (values unfiltered: the caller scrubs them). */
export function hookEnv(call: HookCall, origin: HookOrigin): Record<string, string> {
  const { subject: s, transition: t } = call;
  const env: Record<string, string> = {
    CLUSTER_EVENT_ID: s.event?.id ?? '',
    CLUSTER_RECORDED_AT: s.event?.recorded_at ?? '',
    CLUSTER_VERDICT: t?.verdict ?? s.verdict,
    CLUSTER_PREVIOUS_VERDICT: s.previous ?? '',
    CLUSTER_CHANGED: changedText(s.changes),
    CLUSTER_PROFILE: origin.profile ?? '',
    CLUSTER_HOST: origin.host,
    CLUSTER_SUMMARY: summaryLine(call, origin),
    CLUSTER_SUPPRESSED: String(call.suppressed),
  };
  if (!t) return env;
  return {
    ...env,
    CLUSTER_PREVIOUS_VERDICT: previousVerdict(call) ?? '',
    CLUSTER_TRANSITION: t.kind,
    CLUSTER_FIRING_SINCE: iso(t.since),
    CLUSTER_FIRING_SECONDS: String(Math.max(0, Math.round((call.at - t.since) / 1000))),
    CLUSTER_REPEAT: String(t.kind === 'firing' ? t.repeat : 0),
  };
}

/** For messages: which run this is. */
export function jobLabel(call: HookCall): string {
  const { subject: s, transition: t } = call;
  const about = s.event ? `event ${s.event.id}` : `the ${s.verdict} notice`;
  if (!t) return `the hook for ${about}`;
  const repeat = t.kind === 'firing' && t.repeat > 0 ? ` (repeat ${t.repeat})` : '';
  return `the ${t.kind} hook${repeat} for ${about}`;
}

/**
 * About how many bytes a run's job will hold, without making it: its event's texts (a `--details`
 * event carries up to six reports of 8192 characters), with room for JSON escapes, the variables
 * and a preset's own fields. The hook queue counts its bytes by this.
 */
export function estimateSize(call: HookCall): number {
  let n = 2048;
  const e = call.subject.event;
  if (e) for (const [k, v] of Object.entries(e)) n += k.length + (typeof v === 'string' ? v.length : 16);
  if (call.subject.reason) n += call.subject.reason.length * 2;
  return Math.ceil(n * 1.25);
}

export interface BuildOptions {
  payload: ExecPayload;
  /** The run's secrets filter (io/secrets.ts): applied to every value and to stdin. */
  scrub: (text: string) => string;
  /** `--repeat`, for the lifetime of an Alertmanager alert. */
  repeatMs: number | undefined;
  /** The PagerDuty routing key (the `pagerduty` preset): added after filtering, as the receiver needs it. */
  routingKey?: string;
}

/** What the hook gets on stdin, before filtering (the routing key is spliced in afterwards). */
function body(call: HookCall, origin: HookOrigin, o: BuildOptions): unknown {
  switch (o.payload) {
    case 'event':
      return call.subject.event ?? call.subject.notice ?? {};
    case 'webhook':
      return webhookBody(call, origin);
    case 'alertmanager':
      return alertmanagerBody(call, origin, o.repeatMs);
    case 'pagerduty':
      return pagerdutyBody(call, origin);
  }
}

/**
 * The job for one run: every `CLUSTER_*` value and the whole stdin pass the same filter as
 * stdout (a server that puts the credential into an event gets it masked here too). Control
 * characters are stripped from values by the caller's `clean` as well: an environment cannot hold
 * a NUL, and server text is untrusted.
 */
export function buildJob(call: HookCall, origin: HookOrigin, o: BuildOptions, clean: (s: string) => string): HookJob {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(hookEnv(call, origin))) env[k] = o.scrub(clean(v));
  let stdin = o.scrub(formatJson(body(call, origin, o)));
  if (o.payload === 'pagerduty' && o.routingKey !== undefined)
    stdin = `{"routing_key":${JSON.stringify(o.routingKey)},${stdin.slice(1)}`;
  return { label: jobLabel(call), env, stdin: `${stdin}\n` };
}
