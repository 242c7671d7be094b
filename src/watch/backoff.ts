/**
 * Failures and the outages they start: which failures to ride out rather than stop on, capped
 * exponential back-off with jitter, one notice when an outage starts and one when it ends, and one
 * credential refresh between two whole polls. Pure: a transition returns the new state and the
 * notices it calls for; the loop gives them and makes the requests.
 */
import { ApiError } from '../api/errors.js';
import type { CliError } from '../errors.js';
import type { WatchNotice } from './types.js';

export interface Health {
  /** An outage is going on: since when, why it started, how many failures so far. */
  outage: { since: number; reason: string; failures: number } | undefined;
  /** Polls in a row that got no answer at all: the exponent of the back-off (any answer resets it). */
  attempt: number;
  /** Polls in a row whose list failed although `latest` answered: the exponent while only the list fails. */
  listAttempt: number;
  /** The server has answered once: a garbled answer after that is a hiccup, not the wrong host. */
  hadAnswer: boolean;
  /** The credential was refreshed since the last whole poll. */
  credentialRefreshed: boolean;
  /** "No events recorded yet" was said (once is enough). */
  noEventsSaid: boolean;
}

export interface Transition {
  health: Health;
  notices: WatchNotice[];
}

/** What a failed request means for the loop. */
export type Failure =
  | { kind: 'no-events' }
  | { kind: 'credential'; error: ApiError }
  | { kind: 'outage'; error: ApiError }
  | { kind: 'fatal'; error: CliError };

export const initialHealth: Health = {
  outage: undefined,
  attempt: 0,
  listAttempt: 0,
  hadAnswer: false,
  credentialRefreshed: false,
  noEventsSaid: false,
};

export function classify(e: CliError, hadAnswer: boolean): Failure {
  if (!(e instanceof ApiError)) return { kind: 'fatal', error: e };
  // "No events recorded yet" is the server's answer to the poll, not a failure.
  if (e.apiKind === 'no-events') return { kind: 'no-events' };
  if (e.apiKind === 'unauthorized' || e.apiKind === 'forbidden') return { kind: 'credential', error: e };
  if (heals(e, hadAnswer)) return { kind: 'outage', error: e };
  return { kind: 'fatal', error: e };
}

/** Is this failure one to ride out (outage) rather than stop on? */
export function heals(e: ApiError, hadAnswer: boolean): boolean {
  if (e.transient || e.apiKind === 'timeout' || e.apiKind === 'unreachable') return true;
  if (e.apiKind === 'server' && e.status !== undefined && e.status >= 500 && e.status !== 501) return true;
  // A garbled answer after good ones is a proxy hiccup; on the very first poll it is the wrong host.
  return e.apiKind === 'invalid-response' && hadAnswer;
}

/**
 * The server answered (`latest` at least): the back-off starts over, so that a flaky link (every
 * other request failing) is retried within a second rather than after a wait that doubled on every
 * unlucky poll. The outage itself ends only once a whole poll went through.
 */
export function heard(h: Health): Health {
  return h.hadAnswer && h.attempt === 0 ? h : { ...h, hadAnswer: true, attempt: 0 };
}

/**
 * A poll went through: any outage is over. (An answer to `latest` alone is not enough while the
 * list it calls for fails: the gap is filled only once the list came too.)
 */
export function answered(h: Health, now: number): Transition {
  if (h.attempt === 0 && h.listAttempt === 0 && !h.outage) return { health: h, notices: [] };
  const notices: WatchNotice[] = h.outage
    ? [{ kind: 'outage-end', durationMs: now - h.outage.since, failures: h.outage.failures }]
    : [];
  return { health: { ...h, attempt: 0, listAttempt: 0, outage: undefined }, notices };
}

/** The server says no event was recorded yet: an answer (any outage is over), said once. */
export function noEventsYet(h: Health, now: number): Transition {
  const { health, notices } = answered(heard(h), now);
  if (health.noEventsSaid) return { health, notices };
  return { health: { ...health, noEventsSaid: true }, notices: [...notices, { kind: 'no-events' }] };
}

/**
 * A failure that may heal: the outage starts (said once) or goes on, and the back-off grows — the
 * list's own when `latest` answered in the same poll and the list then failed (a list that keeps
 * failing is not asked for every second), otherwise that of polls without an answer.
 */
export function failed(h: Health, now: number, reason: string, stage: 'latest' | 'list' = 'latest'): Transition {
  const start = h.outage === undefined;
  const outage = h.outage ?? { since: now, reason, failures: 0 };
  const grown = stage === 'list' ? { listAttempt: h.listAttempt + 1 } : { attempt: h.attempt + 1 };
  const health = { ...h, outage: { ...outage, failures: outage.failures + 1 }, ...grown };
  return { health, notices: start ? [{ kind: 'outage-start', reason, at: now }] : [] };
}

/** The exponent of the wait after a failed poll. */
export function backoffAttempt(h: Health): number {
  return Math.max(h.attempt, h.listAttempt, 1);
}

/** The wait after the `attempt`-th failure in a row: `baseMs` doubling, capped at `capMs`. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}

/** Tokens expire: the token command ran again (once between two whole polls). */
export function credentialRefreshed(h: Health, status: number | undefined): Transition {
  return { health: { ...h, credentialRefreshed: true }, notices: [{ kind: 'credential-refresh', status }] };
}

/** A whole poll went through: a later 401 may refresh the credential again. */
export function pollDone(h: Health): Health {
  return h.credentialRefreshed ? { ...h, credentialRefreshed: false } : h;
}

/** `ms` moved by up to ± `jitter` of itself, so that many watchers do not poll in step. */
export function jittered(ms: number, jitter: number, random: () => number): number {
  if (jitter <= 0) return ms;
  return Math.max(0, Math.round(ms * (1 + jitter * (2 * random() - 1))));
}
