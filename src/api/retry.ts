/**
 * When a failed request is worth another try, and after how long. Pure: the client's retry loop
 * (client.ts) asks it after each failed attempt and waits on its own clock.
 *
 * Feldera's guidance: treat 408, 502, 503, 504 and "no response" as transient and retry idempotent
 * requests within a time limit; return at once on other 4xx, 500 and 501. 429 is retried too,
 * honouring `Retry-After`.
 */

/** HTTP statuses that are retried (with any body: a Feldera 503 as much as a proxy's). */
export const RETRY_STATUSES: readonly number[] = [408, 429, 502, 503, 504];

/** `Retry-After` as seconds or an HTTP date, in ms from now (per the server's clock when known). */
export function parseRetryAfter(value: string | null, serverNow: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - serverNow);
}

/** Exponential back-off: 250 ms, 500 ms, 1 s … capped at 8 s, each ±25 %. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(8000, 250 * 2 ** attempt) * (0.75 + random() * 0.5);
}

export interface RetryInput {
  /** Attempts already failed (0 after the first). */
  attempt: number;
  /** Retries allowed in all (`--retries`). */
  retries: number;
  /** Time spent on this request so far, retries included. */
  elapsedMs: number;
  /** The total time one request may take, retries included. */
  budgetMs: number;
  /** The failure may heal by itself (no answer, a timeout, a retryable status). */
  transient: boolean;
  /** What `Retry-After` asked for, if anything. */
  retryAfterMs?: number;
  /** The connection was refused: nothing listens there, which one more try may see change, not three. */
  refused?: boolean;
  random?: () => number;
}

export type RetryPlan =
  | { retry: true; waitMs: number }
  | { retry: false; why: 'permanent' | 'exhausted' | 'budget'; waitMs?: number };

export function planRetry(p: RetryInput): RetryPlan {
  if (!p.transient) return { retry: false, why: 'permanent' };
  if (p.attempt >= p.retries || (p.refused && p.attempt >= 1)) return { retry: false, why: 'exhausted' };
  const waitMs = p.retryAfterMs ?? backoffMs(p.attempt, p.random);
  if (p.elapsedMs + waitMs > p.budgetMs) return { retry: false, why: 'budget', waitMs };
  return { retry: true, waitMs };
}
