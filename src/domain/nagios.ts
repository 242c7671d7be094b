/**
 * The Monitoring Plugins rules (Nagios, Icinga, Sensu, Zabbix agents) for `cluster check` and
 * `status --format nagios`: which plugin state a verdict is, and the thresholds of the plugin
 * guidelines. States and exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 *
 * - healthy: OK;
 * - starting: `--starting-state` (default WARNING);
 * - unhealthy: CRITICAL — or, with thresholds on how long a service has been unhealthy
 *   (`-w/-c unhealthy_for=…`), what those say: a short outage can be left to the next check;
 * - stale: `--stale-state` (default CRITICAL: a dead recorder is a failure of the monitored system,
 *   and many setups never page on UNKNOWN);
 * - unreachable: CRITICAL when Feldera cannot be reached or answers with an error; UNKNOWN for an
 *   answer we cannot read or a local problem (config, token command); `--timeout-state` (default
 *   UNKNOWN, as the plugins do) when the check's own deadline (`-t`) ran out.
 * On top, thresholds on the age of the latest check (`-w/-c age=…`) can only make it worse.
 */
import { usageError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import type { ClusterVerdict, Verdict } from './verdict.js';

export const PLUGIN_EXIT = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type PluginState = keyof typeof PLUGIN_EXIT;
export const PLUGIN_STATES = Object.keys(PLUGIN_EXIT) as PluginState[];

/** Worse first: CRITICAL > WARNING > UNKNOWN > OK (the plugins' own order for combining results). */
const RANK: Readonly<Record<PluginState, number>> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

export function worstState(...states: PluginState[]): PluginState {
  return states.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK');
}

/**
 * A range of the guidelines: `10` (alert outside 0..10), `10:` (below 10), `~:10` (above 10),
 * `10:20` (outside), `@10:20` (inside). Values are seconds, or durations (`10m`, `1h30m`).
 */
export interface Range {
  start: number;
  end: number;
  /** `@`: alert when the value is inside. */
  inside: boolean;
  /** As perfdata shows it, in seconds. */
  text: string;
}

function rangeValue(text: string, flag: string, whole: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw usageError(
      `invalid ${flag} "${whole}": "${text}" is not a number of seconds or a duration`,
      'thresholds are ranges of the Monitoring Plugins guidelines: 600, 10m, 5m:, ~:10m, 5m:20m, @5m:20m',
    );
  return ms / 1000;
}

export function parseRange(text: string, flag = 'threshold'): Range {
  const t = text.trim();
  const inside = t.startsWith('@');
  const body = inside ? t.slice(1) : t;
  const colon = body.indexOf(':');
  let start = 0;
  let end = Number.POSITIVE_INFINITY;
  if (colon < 0) end = rangeValue(body, flag, text);
  else {
    const a = body.slice(0, colon);
    const b = body.slice(colon + 1);
    start = a === '~' ? Number.NEGATIVE_INFINITY : rangeValue(a, flag, text);
    if (b !== '') end = rangeValue(b, flag, text);
  }
  if (start > end) throw usageError(`invalid ${flag} "${text}": the start of the range is above its end`);
  const show = (n: number) => String(Math.round(n * 1000) / 1000);
  let shown: string;
  if (colon < 0) shown = show(end);
  else
    shown = `${start === Number.NEGATIVE_INFINITY ? '~' : show(start)}:${end === Number.POSITIVE_INFINITY ? '' : show(end)}`;
  return { start, end, inside, text: `${inside ? '@' : ''}${shown}` };
}

/** The value calls for an alert by this range. */
export function alerts(r: Range, value: number): boolean {
  const within = value >= r.start && value <= r.end;
  return r.inside ? within : !within;
}

/** What `-w` / `-c` may be about. */
export const THRESHOLD_LABELS = ['age', 'unhealthy_for'] as const;
export type ThresholdLabel = (typeof THRESHOLD_LABELS)[number];
export type Thresholds = Partial<Record<ThresholdLabel, Range>>;

/** `-w/--warning` or `-c/--critical`: `[LABEL=]RANGE`, repeatable; the label is `age` when none is given. */
export function addThreshold(text: string, flag: string, into: Thresholds = {}): Thresholds {
  const eq = text.indexOf('=');
  const label = eq < 0 ? 'age' : text.slice(0, eq).trim();
  if (!(THRESHOLD_LABELS as readonly string[]).includes(label))
    throw usageError(
      `invalid ${flag} "${text}": "${label}" is not something to set a threshold on`,
      `give age=RANGE (the age of the latest check; the default) or unhealthy_for=RANGE (how long a service has been unhealthy)`,
    );
  return { ...into, [label]: parseRange(eq < 0 ? text : text.slice(eq + 1), flag) };
}

export interface PluginOptions {
  /** The whole check's deadline (`-t`), ms. */
  timeoutMs: number;
  timeoutState: PluginState;
  staleState: PluginState;
  startingState: PluginState;
  warning: Thresholds;
  critical: Thresholds;
  utc: boolean;
}

export const PLUGIN_DEFAULTS: PluginOptions = {
  timeoutMs: 10_000,
  timeoutState: 'UNKNOWN',
  staleState: 'CRITICAL',
  startingState: 'WARNING',
  warning: {},
  critical: {},
  utc: false,
};

/** Failures that say nothing about Feldera's health. */
const UNKNOWN_KINDS: readonly string[] = ['invalid-response', 'insecure-credential', 'token-command', 'config', 'bug'];

/** The problem kind of a check whose own deadline (`-t`) ran out. */
export const DEADLINE_KIND = 'deadline';

function judged(value: number | undefined, o: PluginOptions, label: ThresholdLabel): PluginState {
  if (value === undefined) return 'OK';
  const c = o.critical[label];
  const w = o.warning[label];
  if (c && alerts(c, value)) return 'CRITICAL';
  if (w && alerts(w, value)) return 'WARNING';
  return 'OK';
}

/** How long each service has been unhealthy, in seconds (0 when healthy; undefined when not known). */
export function unhealthyFor(v: ClusterVerdict, now: number): Partial<Record<string, number | undefined>> {
  const out: Partial<Record<string, number | undefined>> = {};
  for (const s of v.services) {
    if (s.status === 'Healthy') out[s.service] = 0;
    else out[s.service] = s.since === undefined ? undefined : Math.max(0, (now - s.since) / 1000);
  }
  return out;
}

function unhealthyState(v: ClusterVerdict, o: PluginOptions, now: number): PluginState {
  const given = o.warning.unhealthy_for !== undefined || o.critical.unhealthy_for !== undefined;
  if (!given) return 'CRITICAL';
  const since = unhealthyFor(v, now);
  const states = v.services
    .filter((s) => s.status === 'Unhealthy')
    // How long is not known: it cannot be shown to be short.
    .map((s) => (since[s.service] === undefined ? 'CRITICAL' : judged(since[s.service], o, 'unhealthy_for')));
  const starting = v.services.some((s) => s.status === 'InitialUnhealthy') ? o.startingState : 'OK';
  // The flag says not all healthy although every status is Healthy: nothing to time, so CRITICAL.
  return states.length ? worstState(starting, ...states) : worstState(starting, 'CRITICAL');
}

const FIXED: Readonly<Record<Exclude<Verdict, 'unhealthy' | 'unreachable'>, (o: PluginOptions) => PluginState>> = {
  healthy: () => 'OK',
  starting: (o) => o.startingState,
  stale: (o) => o.staleState,
};

/** The plugin state of a verdict, with the thresholds on the age of the check. */
export function pluginState(v: ClusterVerdict, o: PluginOptions = PLUGIN_DEFAULTS, now = 0): PluginState {
  if (v.verdict === 'unreachable') {
    const kind = v.problem?.kind ?? 'bug';
    if (kind === DEADLINE_KIND) return o.timeoutState;
    return UNKNOWN_KINDS.includes(kind) ? 'UNKNOWN' : 'CRITICAL';
  }
  const base = v.verdict === 'unhealthy' ? unhealthyState(v, o, now) : FIXED[v.verdict](o);
  const age = v.ageMs === undefined ? undefined : v.ageMs / 1000;
  return worstState(base, judged(age, o, 'age'));
}
