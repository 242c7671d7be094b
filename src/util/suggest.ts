/**
 * "Did you mean …?" for a mistyped value of a known set (a selector, a service, a profile name,
 * `latest`): the candidates within a small edit distance, so `lastest` suggests `latest` and
 * `prdo` suggests `prod`, while a value that is merely different suggests nothing. Case is ignored.
 */

/**
 * Edits between `a` and `b`: insertions, deletions, substitutions and swaps of two neighbours
 * (optimal string alignment), each counting one.
 */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  // Three rows of the table: two back (for swaps), the last, and the one being filled.
  let older: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, older[j - 2]! + 1);
      row.push(d);
    }
    older = prev;
    prev = row;
  }
  return prev[t.length]!;
}

/** How many edits still make a close match for a value this long: 1 up to 4 characters, 2 up to 8, else 3. */
function allowance(length: number): number {
  if (length <= 4) return 1;
  return length <= 8 ? 2 : 3;
}

/**
 * The candidates closest to `value`, when they are close: no more edits than the value's length
 * allows (see allowance), fewer than the candidate's own length (so `x` does not suggest `api`),
 * and only the best of them. Empty when `value` is itself a candidate or nothing is close.
 */
export function closeMatches(value: string, candidates: Iterable<string>): string[] {
  const v = value.trim().toLowerCase();
  if (v === '' || v.length > 64) return [];
  let best = Infinity;
  let out: string[] = [];
  for (const c of new Set(candidates)) {
    if (c === value) return [];
    const d = editDistance(v, c.toLowerCase());
    if (d > allowance(Math.max(v.length, c.length)) || d >= c.length) continue;
    if (d < best) {
      best = d;
      out = [c];
    } else if (d === best) out.push(c);
  }
  return out.slice(0, 3);
}

/** `did you mean latest?`, `did you mean prod or prd?`, or undefined when nothing is close. */
export function didYouMean(value: string, candidates: Iterable<string>): string | undefined {
  const m = closeMatches(value, candidates);
  if (m.length === 0) return undefined;
  const list = m.length === 1 ? m[0]! : `${m.slice(0, -1).join(', ')} or ${m.at(-1)}`;
  return `did you mean ${list}?`;
}

/** `hint` with the suggestion in front of it, when there is one. */
export function withSuggestion(suggestion: string | undefined, hint: string | undefined): string | undefined {
  if (suggestion === undefined) return hint;
  return hint === undefined ? suggestion : `${suggestion} ${hint}`;
}
