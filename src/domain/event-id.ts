/**
 * Event ids as people type them: `latest`, a full UUID, or a unique prefix of at least 8 hex
 * characters (dashes where the UUID text has them). Parsing is pure and happens before any
 * request, so a malformed id is a usage error (exit 64). Resolving a prefix against the retained
 * event list is queries/event-lookup.ts.
 */

import type { ClusterEventStatus } from '../api/types.js';
import { usageError } from '../errors.js';

export const MIN_PREFIX_HEX = 8;

export type EventIdSpec =
  | { kind: 'latest' }
  /** A full UUID, canonical (lowercase, hyphenated). */
  | { kind: 'uuid'; id: string }
  /** A prefix: `hex` is its hex digits, lowercase, without dashes; `text` what was typed. */
  | { kind: 'prefix'; hex: string; text: string };

/** Where the dashes of a UUID's text form fall, as indexes into the text. */
const DASH_AT = new Set([8, 13, 18, 23]);

function canonical(hex32: string): string {
  const h = hex32.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const HINT = 'give `latest`, a full event id, or at least 8 leading hex characters of one (see `cluster event list`)';

/** Typed by the user, but may come from a script: quoted, one printable ASCII line. */
function show(text: string): string {
  const t = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return `"${t.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

/** Parse an `<id>` argument. Throws a usage error (exit 64) for anything that cannot be an event id. */
export function parseEventId(input: string): EventIdSpec {
  const text = input.trim();
  if (text.toLowerCase() === 'latest') return { kind: 'latest' };
  if (text === '') throw usageError('missing event id', HINT);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '-') {
      if (!DASH_AT.has(i))
        throw usageError(
          `invalid event id ${show(text)}: a dash at position ${i + 1} is not where a UUID has one`,
          HINT,
        );
    } else if (!/[0-9a-f]/i.test(ch)) {
      throw usageError(`invalid event id ${show(text)}: ${show(ch)} at position ${i + 1} is not a hex digit`, HINT);
    } else if (i < 36 && DASH_AT.has(i) && text.includes('-')) {
      // Dashes are optional, but a text that uses them must use all of them up to its length.
      throw usageError(`invalid event id ${show(text)}: expected a dash at position ${i + 1}, as in a UUID`, HINT);
    }
  }
  const hex = text.replace(/-/g, '').toLowerCase();
  if (hex.length > 32 || text.length > 36) throw usageError(`invalid event id ${show(text)}: longer than a UUID`, HINT);
  if (hex.length === 32) return { kind: 'uuid', id: canonical(hex) };
  if (hex.length < MIN_PREFIX_HEX) {
    throw usageError(
      `event id prefix ${show(text)} is too short: give at least ${MIN_PREFIX_HEX} hex characters`,
      HINT,
    );
  }
  return { kind: 'prefix', hex, text };
}

/** Events whose id starts with the prefix's hex digits (dashes and case ignored). */
export function matchPrefix<E extends Pick<ClusterEventStatus, 'id'>>(events: readonly E[], hex: string): E[] {
  const want = hex.toLowerCase();
  return events.filter((e) => e.id.replace(/-/g, '').toLowerCase().startsWith(want));
}
