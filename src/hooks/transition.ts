/**
 * `--exec-on transition`: one alert per watched cluster, firing while the verdict is bad and
 * resolved when it is healthy again — the model of Alertmanager (pending, `for`, firing, repeat,
 * resolved), fed with the watch's verdicts. Pure: the observer (observer.ts) keeps an `Alert` and
 * replaces it with what these return, and runs a hook for each `Run` they return.
 *
 * Bad is every verdict but healthy: unhealthy, stale (the recorder stopped: health unknown),
 * unreachable (no answer), and starting. Starting counts as bad because a service that fails from
 * its very first check stays `InitialUnhealthy` in Feldera for as long as it fails — a compiler
 * that never came up after a restart is `starting` forever — and because every other view treats
 * it as not healthy (exit 2, Nagios WARNING); an ordinary start-up is short, and `--for` keeps it
 * from paging. A change between bad verdicts (unhealthy, then unreachable) is the same alert still
 * firing: it runs nothing (a `--repeat` run carries the verdict of the moment).
 *
 * Times are the watch's clock, when the watch saw the verdict (within one poll of when Feldera
 * recorded it), so `--for` and `--repeat` are exact to one `--interval`: they are checked whenever
 * the watch reports, which it does after every poll.
 */
import type { Verdict } from '../domain/verdict.js';

/** The verdicts that fire: all but healthy (see above for starting). */
export function isBad(v: Verdict): boolean {
  return v !== 'healthy';
}

export interface Alert {
  /** ok: healthy (or nothing seen yet); pending: bad, not yet for `--for`; firing: the hook ran (or was due). */
  phase: 'ok' | 'pending' | 'firing';
  /** The verdict that holds now; undefined before the first. */
  verdict: Verdict | undefined;
  /** When the bad period began (pending and firing). */
  badSince: number | undefined;
  /** The verdict before the bad period began (undefined: it began with the watch). */
  before: Verdict | undefined;
  /** When it fired, the last time a firing run was due (for `--repeat`), and how many repeats ran. */
  firedAt: number | undefined;
  lastFiringAt: number | undefined;
  repeats: number;
  /** The verdict it fired on: kept for the whole episode (the severity of an Alertmanager alert may not change). */
  firedVerdict: Verdict | undefined;
  /** Episodes fired so far; the current one's number while firing. */
  episode: number;
}

export const initialAlert: Alert = {
  phase: 'ok',
  verdict: undefined,
  badSince: undefined,
  before: undefined,
  firedAt: undefined,
  lastFiringAt: undefined,
  repeats: 0,
  firedVerdict: undefined,
  episode: 0,
};

export interface Timing {
  /** `--for`: how long a bad verdict must hold before it fires (0: at once). */
  forMs: number;
  /** `--repeat`: run again this often while firing (undefined: never). */
  repeatMs: number | undefined;
}

/** What the alert says now, for a hook or a `--verbose` line. */
export type Run =
  /** Gone bad and held for `--for` (repeat 0), or still bad `--repeat` later (repeat 1, 2, …); `before`: the verdict before. */
  | {
      kind: 'firing';
      verdict: Verdict;
      before: Verdict | undefined;
      since: number;
      repeat: number;
      episode: number;
      firedVerdict: Verdict;
    }
  /** Healthy again after firing: `since` the bad period began, `firedAt` when it fired. */
  | {
      kind: 'resolved';
      verdict: Verdict;
      was: Verdict;
      since: number;
      firedAt: number;
      episode: number;
      firedVerdict: Verdict;
    };

/** What runs nothing but is worth a `--verbose` line. */
export type Quiet =
  /** Gone bad; it fires if it holds until `dueAt`. */
  | { kind: 'pending'; verdict: Verdict; since: number; dueAt: number }
  /** Healthy again before `--for` was up: a flap, and no hook ran. */
  | { kind: 'flap'; was: Verdict; since: number; heldMs: number };

export interface Step {
  alert: Alert;
  runs: Run[];
  quiet: Quiet[];
}

/** A verdict, seen at `now`. */
export function see(a: Alert, v: Verdict, now: number, t: Timing): Step {
  const previous = a.verdict;
  const alert: Alert = { ...a, verdict: v };
  if (isBad(v) && a.phase === 'ok') {
    const pending: Alert = { ...alert, phase: 'pending', badSince: now, before: previous };
    const after = tick(pending, now, t);
    const quiet: Quiet[] =
      after.runs.length > 0 ? [] : [{ kind: 'pending', verdict: v, since: now, dueAt: now + t.forMs }];
    return { ...after, quiet };
  }
  if (!isBad(v) && a.phase === 'pending') {
    const since = a.badSince ?? now;
    return {
      alert: { ...initialAlert, verdict: v, episode: a.episode },
      runs: [],
      quiet: [{ kind: 'flap', was: previous ?? v, since, heldMs: now - since }],
    };
  }
  if (!isBad(v) && a.phase === 'firing') {
    const run: Run = {
      kind: 'resolved',
      verdict: v,
      was: previous ?? v,
      since: a.badSince ?? now,
      firedAt: a.firedAt ?? now,
      episode: a.episode,
      firedVerdict: a.firedVerdict ?? previous ?? v,
    };
    return { alert: { ...initialAlert, verdict: v, episode: a.episode }, runs: [run], quiet: [] };
  }
  return { alert, runs: [], quiet: [] };
}

/** Time passes: a pending alert whose `--for` is up fires; a firing one repeats when `--repeat` is due. */
export function tick(a: Alert, now: number, t: Timing): Step {
  const v = a.verdict;
  if (v === undefined || a.badSince === undefined) return { alert: a, runs: [], quiet: [] };
  if (a.phase === 'pending' && now - a.badSince >= t.forMs) {
    const episode = a.episode + 1;
    return {
      alert: { ...a, phase: 'firing', firedAt: now, lastFiringAt: now, repeats: 0, firedVerdict: v, episode },
      runs: [{ kind: 'firing', verdict: v, before: a.before, since: a.badSince, repeat: 0, episode, firedVerdict: v }],
      quiet: [],
    };
  }
  if (a.phase === 'firing' && t.repeatMs !== undefined && now - (a.lastFiringAt ?? now) >= t.repeatMs) {
    const repeat = a.repeats + 1;
    const firedVerdict = a.firedVerdict ?? v;
    return {
      alert: { ...a, lastFiringAt: now, repeats: repeat },
      runs: [
        { kind: 'firing', verdict: v, before: a.before, since: a.badSince, repeat, episode: a.episode, firedVerdict },
      ],
      quiet: [],
    };
  }
  return { alert: a, runs: [], quiet: [] };
}
