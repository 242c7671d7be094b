/**
 * `--since` / `--until` values: a duration back from now (`2h`, `3d`) or an RFC 3339 time.
 */
import { usageError } from '../errors.js';
import { parseDuration } from './duration.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Absolute ms since the epoch, relative to `now` for durations. Throws a usage error naming the flag. */
export function parseWhen(text: string, now: number, flag: string): number {
  const d = parseDuration(text);
  if (d !== undefined) return now - d;
  if (RFC3339.test(text.trim())) {
    const ms = Date.parse(text.trim());
    // Date.parse rolls 2025-02-30 over to March 2: a day the month does not have is refused.
    const [y, m, d] = text.trim().slice(0, 10).split('-').map(Number) as [number, number, number];
    const real = new Date(Date.UTC(y, m - 1, d));
    if (!Number.isNaN(ms) && real.getUTCMonth() === m - 1 && real.getUTCDate() === d) return ms;
  }
  throw usageError(`invalid ${flag} "${text}": expected a duration such as 30m, 2h, 3d or an RFC 3339 time such as 2025-12-08T14:00:00Z`);
}

/** A duration flag (`--interval 5s`), in ms, with a lower bound. */
export function parseDurationFlag(text: string, flag: string, minMs = 0): number {
  const d = parseDuration(text);
  if (d === undefined) throw usageError(`invalid ${flag} "${text}": expected a duration such as 30s, 5m, 2h`);
  if (d < minMs) throw usageError(`invalid ${flag} "${text}": must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`}`);
  return d;
}
