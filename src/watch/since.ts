/**
 * `--since` for `event watch`: a duration back from now (`2h`), an RFC 3339 time, or an event id
 * (a full UUID, or a prefix of at least 8 hex digits).
 */
import { usageError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { parseWhen } from '../util/when.js';
import type { SinceSpec } from './engine.js';

const ID = /^[0-9a-f]{8}(?:-?[0-9a-f]{1,4})*(?:-?[0-9a-f]{1,12})?$/i;

export function parseSince(text: string, now: number): SinceSpec {
  const t = text.trim();
  // Ids start with 8 hex digits; a bare number of 8+ digits is an id prefix, never a count of seconds.
  const hex = t.replace(/-/g, '');
  const looksLikeId = ID.test(t) && hex.length <= 32 && /^[0-9a-f]+$/i.test(hex) && (/[a-f-]/i.test(t) || t.length >= 8);
  if (looksLikeId && (parseDuration(t) === undefined || /^\d{8,}$/.test(t))) {
    if (hex.length === 32 && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t) && t.includes('-')) {
      throw usageError(`invalid --since "${text}": malformed event id`, 'give a full UUID, an id prefix of 8+ hex digits, a duration (2h) or an RFC 3339 time');
    }
    return { kind: 'id', id: t.toLowerCase() };
  }
  const ago = parseDuration(t);
  if (ago !== undefined) return { kind: 'ago', ms: ago };
  try {
    return { kind: 'time', at: parseWhen(t, now, '--since') };
  } catch {
    throw usageError(
      `invalid --since "${text}": expected a duration (30m, 2h), an RFC 3339 time (2025-12-08T14:00:00Z) or an event id (full, or 8+ hex digits)`,
    );
  }
}
