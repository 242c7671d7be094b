/**
 * How much of an answer the client takes: a cap on the bytes of each body (reading stops as soon as
 * it is passed) and, before a body is parsed, on how deep its JSON nests and how many values it
 * holds. Feldera's largest answers are far below them; a hostile or broken server cannot make the
 * tool use more than about 200 MB, crash on a deep structure, or hang on an endless body.
 */

import { walkJson } from '../util/json-scan.js';

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

/**
 * The most events a list is used with. Feldera keeps at most 1,000 (retention deletes beyond that
 * right after each insert, docs: "Retention"), so a longer list is not one Feldera sends; twice
 * that leaves room for a read between an insert and its clean-up, and for a version that keeps a
 * few more. A longer list is cut to its newest events as soon as it is parsed (the caller says so):
 * 71,000 valid events (13 MB, under every byte and value cap) cost over 500 MB to draw at a
 * terminal; cut, they cost what parsing them does (133–160 MB, bench/hostile-memory.mjs).
 */
export const MAX_LIST_EVENTS = 2000;

/** Feldera's answers nest 4 levels at most (an error's `details`); a deeper one is not Feldera's. */
export const MAX_JSON_DEPTH = 64;

/** A full event list holds ~13,000 values; a body of tiny values (`[{},{},…]`) would cost far more memory than its bytes. */
export const MAX_JSON_VALUES = 500_000;

/** The cap in words: `50 MiB`, `512 KiB`. */
export function describeLimit(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * Why `text` must not be parsed: it nests deeper than `maxDepth` or holds more than `maxValues`
 * values (counted from above: one per container and per comma, plus the root); undefined when it
 * is within both. One walk over the text (util/json-scan.ts walkJson: strings are passed whole at
 * the speed of indexOf), stopped as soon as a limit is passed. Malformed JSON is left to
 * JSON.parse to describe.
 */
export function jsonBeyondLimits(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxValues = MAX_JSON_VALUES,
): string | undefined {
  const { why } = walkJson(text, undefined, { maxDepth, maxValues });
  if (why === 'depth') return `its JSON nests more than ${maxDepth} levels deep`;
  if (why === 'values') return `its JSON holds more than ${maxValues.toLocaleString('en-US')} values`;
  return undefined;
}
