/**
 * Stopping a watch mid-request. The caller's signal (SIGINT, SIGTERM) and the real-time guard of
 * `--timeout` abort one controller with a stop token; every request and wait races it, so a hung
 * answer never holds the watch, and the token tells a stop from a failure of the request itself.
 */
import { EXIT } from '../errors.js';
import type { WatchEnd } from './types.js';

const STOP: unique symbol = Symbol('watch stop');

/** The abort reason of a stopped watch. */
export interface Stop {
  readonly [STOP]: 'aborted' | 'timeout';
}

export function stopToken(why: 'aborted' | 'timeout'): Stop {
  return { [STOP]: why };
}

export function isStop(x: unknown): x is Stop {
  return typeof x === 'object' && x !== null && STOP in x;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: EXIT.SIGINT, SIGTERM: EXIT.SIGTERM };

/** How a stopped watch ends: the caller's signal names the exit code; otherwise the deadline passed. */
export function stopEnd(signal: AbortSignal | undefined): WatchEnd {
  if (!signal?.aborted) return { reason: 'timeout', exitCode: EXIT.TIMEOUT };
  const r: unknown = signal.reason;
  let name = 'SIGINT';
  if (typeof r === 'string') name = r;
  else if (r instanceof Error) name = r.message;
  return { reason: 'aborted', signal: name, exitCode: SIGNAL_EXIT[name] ?? EXIT.SIGINT };
}

/** A request, abandoned at once when the watch is stopped (it rejects with the stop token). */
export function abortable<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const p = fn();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined); // the abandoned request may still fail later
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
