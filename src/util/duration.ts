/**
 * Durations as people type them: `500ms`, `10s`, `5m`, `2h`, `3d`, `1h30m`, or a bare number of seconds.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Milliseconds, or `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  let total = 0;
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(t); m; m = PART.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = PART.lastIndex;
  }
  if (end !== t.length || end === 0) return undefined;
  return total;
}

/** `1h 5m`, `42s`, `3d 4h`: the largest unit and the next one, for messages and summaries. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  const s = Math.round(abs / 1000);
  const units = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const;
  const i = units.findIndex(([, size]) => s >= size);
  const [u1, size1] = units[i]!;
  const first = Math.floor(s / size1);
  const next = units[i + 1];
  const rest = next ? Math.floor((s % size1) / next[1]) : 0;
  return `${sign}${first}${u1}${next && rest ? ` ${rest}${next[0]}` : ''}`;
}
