/**
 * Times for people: local (or UTC) wall-clock time plus relative age judged against a reference
 * "now" — the server's `Date` header where we have it, so a skewed local clock does not lie.
 */

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2025-12-08 15:03:06` in local time, or `2025-12-08 14:03:06Z` with utc. */
export function formatTimestamp(ms: number, utc: boolean): string {
  const d = new Date(ms);
  if (utc) {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
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

/** `just now`, `42 s ago`, `3 min ago`, `5 h ago`, `2 d ago` (or `in …` for the future). */
export function formatAge(ms: number): string {
  const future = ms < 0;
  const a = Math.abs(ms);
  let text: string;
  if (a < 5_000) return 'just now';
  if (a < 60_000) text = `${Math.floor(a / 1000)} s`;
  else if (a < 3_600_000) text = `${Math.floor(a / 60_000)} min`;
  else if (a < 86_400_000) {
    const h = Math.floor(a / 3_600_000);
    const m = Math.floor((a % 3_600_000) / 60_000);
    text = m ? `${h} h ${m} min` : `${h} h`;
  } else {
    const d = Math.floor(a / 86_400_000);
    const h = Math.floor((a % 86_400_000) / 3_600_000);
    text = h ? `${d} d ${h} h` : `${d} d`;
  }
  return future ? `in ${text}` : `${text} ago`;
}
