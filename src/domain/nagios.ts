/**
 * The Monitoring Plugins rules (Nagios, Icinga, Sensu, Zabbix agents) for `status --format nagios`:
 * which plugin state a verdict is. States and exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 * - OK: healthy;
 * - WARNING: starting (a service has not passed a check yet, or nothing is recorded yet);
 * - CRITICAL: unhealthy; or unreachable — Feldera cannot be reached or answers with an error;
 * - UNKNOWN: stale (the recorder stopped: health unknown), or unreachable for a reason that says
 *   nothing about Feldera (an answer we cannot read, a local problem: config, token command).
 */
import type { ClusterVerdict, Verdict } from './verdict.js';

export const PLUGIN_EXIT = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type PluginState = keyof typeof PLUGIN_EXIT;

const STATE: Readonly<Record<Exclude<Verdict, 'unreachable'>, PluginState>> = {
  healthy: 'OK',
  starting: 'WARNING',
  unhealthy: 'CRITICAL',
  stale: 'UNKNOWN',
};

/** Failures that say nothing about Feldera's health. */
const UNKNOWN_KINDS: readonly string[] = ['invalid-response', 'insecure-credential', 'token-command', 'config', 'bug'];

export function pluginState(v: ClusterVerdict): PluginState {
  if (v.verdict !== 'unreachable') return STATE[v.verdict];
  return UNKNOWN_KINDS.includes(v.problem?.kind ?? 'bug') ? 'UNKNOWN' : 'CRITICAL';
}
