/**
 * `event watch --since`: a duration back from now (`2h`), an RFC 3339 time, or an event id — a full
 * UUID, or a prefix of at least 8 hex digits, parsed as `event get` parses ids (domain/event-id.ts).
 */
import { usageError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { parseWhenSpec } from '../util/when.js';
import { parseEventId } from './event-id.js';

/**
 * A point in time (ms since the epoch), a span back from now (judged by the server's clock at the
 * first answer), or an event id (full, or a prefix of 8+ hex digits, lower case).
 */
export type SinceSpec = { kind: 'time'; at: number } | { kind: 'ago'; ms: number } | { kind: 'id'; id: string };

export function parseSince(text: string): SinceSpec {
  const t = text.trim();
  // 8+ hex digits are an id prefix (ids start with 8 hex digits), never a count of seconds, nor of
  // days when the last digit is a `d` (`0123456d`); upper or lower case alike.
  if (!/^[0-9a-f]{8,}$/i.test(t)) {
    const ago = parseDuration(t);
    if (ago !== undefined) return { kind: 'ago', ms: ago };
    try {
      const w = parseWhenSpec(t, '--since');
      return { kind: 'time', at: w.ms };
    } catch {
      // not a time: perhaps an id
    }
  }
  try {
    const id = parseEventId(t);
    if (id.kind !== 'latest') return { kind: 'id', id: t.toLowerCase() };
  } catch {
    // neither
  }
  throw usageError(
    `invalid --since "${text}": expected a duration (30m, 2h), an RFC 3339 time (2025-12-08T14:00:00Z) or an event id (full, or 8+ hex digits)`,
  );
}
