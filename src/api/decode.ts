/**
 * The parse step of every request (ofetch's `parseResponse`): the body's text → the checked value,
 * or an `Undecoded` that keeps the text and says what was wrong with it. It never throws, because
 * ofetch parses error answers too, before it looks at their status: a proxy's HTML 502 must still
 * reach the retry policy and the error explanation.
 */
import { jsonBeyondLimits } from './limits.js';
import { ShapeError } from './shape.js';

/** A body that is not the expected value: the text as received, its JSON if it parsed, and why. */
export class Undecoded {
  constructor(
    readonly text: string,
    readonly json: unknown,
    readonly problem: string,
  ) {}
}

function parseProblem(text: string, e: Error): string {
  if (text.trim() === '') return 'empty body';
  const cut = /end of (json )?input|unterminated/i.test(e.message) ? ', it ends too early (truncated)' : '';
  return `not valid JSON${cut} (${e.message.split('\n')[0]})`;
}

/** `parseResponse` for a value checked by `check` (a shape check from validate.ts). */
export function decoderFor<T>(check: (v: unknown) => T): (text: string) => T | Undecoded {
  return (text) => {
    // Checked before parsing: a deep or value-packed body would exhaust the stack or the memory of whatever walks it.
    const beyond = jsonBeyondLimits(text);
    if (beyond) return new Undecoded(text, undefined, beyond);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return new Undecoded(text, undefined, parseProblem(text, e as Error));
    }
    try {
      return check(json);
    } catch (e) {
      if (e instanceof ShapeError) return new Undecoded(text, json, e.message);
      throw e;
    }
  };
}
