/**
 * The Monitoring Plugins rules (Nagios, Icinga, Sensu, Zabbix agents) for `status --format nagios`:
 * which plugin state a health answer, or a failure to get one, is. States and exit codes:
 * 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 * - OK: all healthy, and fresh;
 * - WARNING: not all healthy, but every service that is not is still starting (`InitialUnhealthy`);
 * - CRITICAL: a service is `Unhealthy` (or the server says not all healthy), or Feldera cannot be
 *   reached or answers with an error;
 * - UNKNOWN: the data is stale (the recorder stopped: health unknown), there is nothing to judge
 *   yet (no events), an answer we cannot read, or a local problem (config, token command).
 */

import { ApiError, type ApiErrorKind } from '../api/errors.js';
import { SERVICES } from '../api/types.js';
import type { HealthVerdict } from './health.js';
import type { ServiceStatuses } from './service-status.js';

export const PLUGIN_EXIT = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type PluginState = keyof typeof PLUGIN_EXIT;

export function healthState(v: HealthVerdict, statuses: ServiceStatuses): PluginState {
  if (v.verdict === 'healthy') return 'OK';
  if (v.verdict === 'stale') return 'UNKNOWN';
  const notHealthy = SERVICES.filter((s) => statuses[s] !== 'Healthy');
  return notHealthy.length > 0 && notHealthy.every((s) => statuses[s] === 'InitialUnhealthy') ? 'WARNING' : 'CRITICAL';
}

/** Failures that say nothing about Feldera's health. */
const UNKNOWN_KINDS: readonly ApiErrorKind[] = [
  'no-events',
  'invalid-response',
  'insecure-credential',
  'token-command',
];

export function failureState(e: unknown): PluginState {
  if (!(e instanceof ApiError)) return 'UNKNOWN';
  return UNKNOWN_KINDS.includes(e.apiKind) ? 'UNKNOWN' : 'CRITICAL';
}
