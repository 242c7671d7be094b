/**
 * `--since` / `--until` values: a duration back from now (`2h`, `3d`) or an RFC 3339 time. Parsed
 * once, when the command line is read (`parseWhenSpec`); turned into a time once "now" is known
 * (the server's clock, after the request: `whenAt`).
 */
import { usageError } from '../errors.js';
import { parseDuration } from './duration.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** A point in time as given: `ago` counts back from a "now" not yet known; `at` is absolute (ms since the epoch). */
export type When = { kind: 'ago'; ms: number; text: string } | { kind: 'at'; ms: number; text: string };

/** Parse a `--since` / `--until` value. Throws a usage error naming the flag. */
export function parseWhenSpec(text: string, flag: string): When {
  const t = text.trim();
  const d = parseDuration(t);
  if (d !== undefined) return { kind: 'ago', ms: d, text: t };
  if (RFC3339.test(t)) {
    const ms = Date.parse(t);
    // Date.parse rolls 2025-02-30 over to March 2: a day the month does not have is refused.
    const [y, m, day] = t.slice(0, 10).split('-').map(Number) as [number, number, number];
    const real = new Date(Date.UTC(y, m - 1, day));
    if (!Number.isNaN(ms) && real.getUTCMonth() === m - 1 && real.getUTCDate() === day)
      return { kind: 'at', ms, text: t };
  }
  throw usageError(
    `invalid ${flag} "${text}": expected a duration such as 30m, 2h, 3d or an RFC 3339 time such as 2025-12-08T14:00:00Z`,
  );
}

/** The time a `When` stands for, given now. */
export function whenAt(w: When, now: number): number {
  return w.kind === 'ago' ? now - w.ms : w.ms;
}

/** A duration flag (`--interval 5s`), in ms, with a lower bound. */
export function parseDurationFlag(text: string, flag: string, minMs = 0): number {
  const d = parseDuration(text);
  if (d === undefined) throw usageError(`invalid ${flag} "${text}": expected a duration such as 30s, 5m, 2h`);
  if (d < minMs)
    throw usageError(
      `invalid ${flag} "${text}": must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`}`,
    );
  return d;
}
