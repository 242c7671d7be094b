/**
 * How much of an answer the client takes: a cap on the bytes of each body (reading stops as soon as
 * it is passed) and, before a body is parsed, on how deep its JSON nests and how many values it
 * holds. Feldera's largest answers are far below them; a hostile or broken server cannot make the
 * tool use more than about 200 MB, crash on a deep structure, or hang on an endless body.
 */

export const MiB = 1024 * 1024;

/**
 * Body caps by what is asked for. The event list carries status fields only: about 300 bytes an
 * event, 1000 events at most, so 0.3 MB; its cap leaves fifty times that. (A list with all six info
 * texts at Feldera's 8,192-character cap would approach 50 MB, but the list never carries them,
 * and a cap that high lets a valid-looking answer cost over 400 MB to parse and print, where 16 MiB
 * keeps any answer under 160 MB: bench/hostile-memory.mjs.) One event with every text is at most
 * ~50 kB of ASCII (~300 kB if every character were escaped); health, configuration and session
 * answers are a few kB.
 */
export const ANSWER_LIMIT = {
  list: 16 * MiB,
  event: 4 * MiB,
  small: 1 * MiB,
} as const;

/** Feldera's answers nest 4 levels at most (an error's `details`); a deeper one is not Feldera's. */
export const MAX_JSON_DEPTH = 64;

/** A full event list holds ~13,000 values; a body of tiny values (`[{},{},…]`) would cost far more memory than its bytes. */
export const MAX_JSON_VALUES = 500_000;

/** The cap in words: `50 MiB`, `512 KiB`. */
export function describeLimit(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Why `text` must not be parsed: it nests deeper than `maxDepth` or holds more than `maxValues`
 * values (counted from above: one per container and per comma, plus the root); undefined when it
 * is within both. One pass, no allocation; strings are skipped whole. Malformed JSON is left to
 * JSON.parse to describe.
 */
export function jsonBeyondLimits(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxValues = MAX_JSON_VALUES,
): string | undefined {
  let depth = 0;
  let values = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i + 1);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return `its JSON nests more than ${maxDepth} levels deep`;
      values++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA) values++;
    else continue;
    if (values > maxValues) return `its JSON holds more than ${maxValues.toLocaleString('en-US')} values`;
  }
  return undefined;
}

/** The index of the quote that closes a string whose text starts at `i` (the end of `text` if none does). */
function endOfString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // The quote is escaped when an odd number of backslashes stands before it.
    let b = q - 1;
    while (b >= i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}
