/**
 * Hooks beside the watch renderer: an observer that passes everything to the renderer first (the
 * line is printed before its hook starts) and queues a hook for each line that calls for one
 * (payload.ts). The watch engine is untouched: it sees one observer, as before.
 */
import type { ClusterEvent } from '../api/types.js';
import { eventVerdict, type Verdict } from '../domain/verdict.js';
import type { WatchedEvent, WatchNotice, WatchObserver } from '../watch/types.js';
import { type ExecOn, type HookOrigin, type HookSubject, hookJob, shouldRun } from './payload.js';
import type { HookRunner } from './runner.js';

export interface HookObserverOptions {
  on: ExecOn;
  origin: HookOrigin;
  env: Record<string, string | undefined>;
  runner: Pick<HookRunner, 'push'>;
}

/** The verdict of a line, as watch prints it: stale only for the newest event, all healthy but too old. */
export function lineVerdict(w: Pick<WatchedEvent, 'event' | 'stale'>): Verdict {
  return eventVerdict(w.event, w.stale);
}

export function withHooks(inner: WatchObserver, o: HookObserverOptions): WatchObserver {
  let previous: Verdict | undefined;
  let last: ClusterEvent | undefined;
  const offer = (s: HookSubject) => {
    if (shouldRun(o.on, s)) o.runner.push(hookJob(s, o.origin, o.env));
    previous = s.verdict;
  };
  return {
    event(w: WatchedEvent) {
      inner.event?.(w);
      last = w.event;
      offer({ event: w.event, verdict: lineVerdict(w), previous, changes: w.changes });
    },
    notice(n: WatchNotice) {
      inner.notice?.(n);
      // The newest event, shown before, has gone stale: its line said healthy, this one says otherwise.
      if (n.kind === 'stale' && last && previous !== 'stale')
        offer({ event: last, verdict: 'stale', previous, changes: [] });
    },
    status: inner.status?.bind(inner),
  };
}
