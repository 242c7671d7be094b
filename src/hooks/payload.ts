/**
 * What a hook (`event watch --exec CMD`) gets, and when it runs. Pure: the observer (observer.ts)
 * keeps the previous verdict and hands each decision to the runner (runner.ts).
 *
 * A hook runs for each line watch prints — every event, and the notice that the newest event has
 * gone stale (the recorder stopped: Feldera keeps saying "all healthy", and this is the one line
 * that says otherwise) — or, with `--exec-on change`, only when the verdict or a service status
 * changed since the line before (the first line has nothing before it: it is where the watch
 * starts, not a change).
 */
import type { ClusterEvent } from '../api/types.js';
import type { StatusChange } from '../domain/order.js';
import type { Verdict } from '../domain/verdict.js';
import { formatJson } from '../render/json.js';

export type ExecOn = 'every' | 'change';
export const EXEC_ON: readonly ExecOn[] = ['every', 'change'];

/** `--exec CMD`, `--exec-timeout`, `--exec-on` of `event watch`. */
export interface ExecOptions {
  command: string;
  timeoutMs: number;
  on: ExecOn;
}

/** Variables a hook never inherits: they carry the credential. */
export const CREDENTIAL_ENV = ['FELDERA_API_KEY', 'FELDERA_AUTH_TOKEN_COMMAND'] as const;

export interface HookSubject {
  event: ClusterEvent;
  verdict: Verdict;
  /** The verdict of the line before, if there was one. */
  previous: Verdict | undefined;
  changes: readonly StatusChange[];
}

export interface HookJob {
  /** For messages: the event's id. */
  id: string;
  env: Record<string, string>;
  /** The event's JSON (the server's object, as `--json` prints it) and a newline. */
  stdin: string;
}

/** Where the hooks' events come from: the connection's profile and host. */
export interface HookOrigin {
  profile: string | undefined;
  host: string;
}

export function shouldRun(on: ExecOn, s: HookSubject): boolean {
  if (on === 'every') return true;
  return s.changes.length > 0 || (s.previous !== undefined && s.previous !== s.verdict);
}

/** `compiler:Healthy>Unhealthy,runner:Healthy>InitialUnhealthy`, or empty. */
export function changedText(changes: readonly StatusChange[]): string {
  return changes.map((c) => `${c.service}:${c.from}>${c.to}`).join(',');
}

/** The hook's environment: ours without the credential variables, plus the event's. */
export function hookJob(s: HookSubject, origin: HookOrigin, env: Record<string, string | undefined>): HookJob {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !(CREDENTIAL_ENV as readonly string[]).includes(k)) base[k] = v;
  return {
    id: s.event.id,
    stdin: `${formatJson(s.event)}\n`,
    env: {
      ...base,
      CLUSTER_EVENT_ID: s.event.id,
      CLUSTER_RECORDED_AT: s.event.recorded_at,
      CLUSTER_VERDICT: s.verdict,
      CLUSTER_PREVIOUS_VERDICT: s.previous ?? '',
      CLUSTER_CHANGED: changedText(s.changes),
      CLUSTER_PROFILE: origin.profile ?? '',
      CLUSTER_HOST: origin.host,
    },
  };
}
