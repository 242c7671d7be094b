/**
 * Loops for what a spread would do. `out.push(...items)` and `Math.max(...values)` pass every
 * element as an argument on the stack, so an array of a few hundred thousand elements (the lines of
 * a server's text, the rows of a long list) throws "Maximum call stack size exceeded". Everything
 * whose length the server decides goes through these instead; test/util/arrays.test.ts scans
 * `src/` for call-site spreads.
 */

/** Append `items` to `out` (what `out.push(...items)` means, for any length); returns `out`. */
export function append<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}

/** The largest `f(x)` over `items`, or `empty` when there are none (`Math.max(...items.map(f))` for any length). */
export function maxOf<T>(items: Iterable<T>, f: (x: T) => number, empty = Number.NEGATIVE_INFINITY): number {
  let max: number | undefined;
  for (const x of items) {
    const v = f(x);
    if (max === undefined || v > max) max = v;
  }
  return max ?? empty;
}
