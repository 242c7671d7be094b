/**
 * Times for people: local (or UTC) wall-clock time plus relative age judged against a reference
 * "now" — the server's `Date` header where we have it, so a skewed local clock does not lie.
 */
import { formatDuration } from '../util/duration.js';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2025-12-08 15:03:06` in local time, or `2025-12-08 14:03:06Z` with utc. */
export function formatTimestamp(ms: number, utc: boolean): string {
  const d = new Date(ms);
  if (utc) {
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `15:03:06` (local) or `14:03:06Z` (UTC): for watch lines. */
export function formatClock(ms: number, utc: boolean): string {
  const d = new Date(ms);
  return utc
    ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`
    : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `just now`, `42s ago`, `3m 5s ago`, `5h 12m ago`, `2d 3h ago` (or `in …` for the future): the one duration style. */
export function formatAge(ms: number): string {
  const a = Math.abs(ms);
  if (a < 5_000) return 'just now';
  const text = formatDuration(Math.floor(a / 1000) * 1000);
  return ms < 0 ? `in ${text}` : `${text} ago`;
}
