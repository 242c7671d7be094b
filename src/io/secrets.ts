/**
 * Secrets never reach output. Every write to stdout and stderr of a command passes through one
 * scrubber (the Context wraps its IO with `scrubbedIO`), whatever produced the text — a data row,
 * a `--json` error object, a `--verbose` trace, a fleet row, a watch notice — so a server that
 * reflects the credential (in a 200 body quoted by an error, a shape error, an HTML title, a
 * redirect's Location) cannot get it printed. It replaces:
 * - each credential in use, in full, by its mask (`apikey:AbCd…wxyz`);
 * - any run of 8 or more characters of one (a reflection cut short by a message's length limit),
 *   by `<redacted>` — matched on the text as a person reads it (`skeleton`): invisible characters
 *   (zero-width, bidi controls, combining marks, other default-ignorable code points) and the
 *   `\uXXXX` escapes that --json and the sanitiser write for them, terminal colour codes, and a
 *   line break with the indentation after it (a wrap at a narrow terminal) are left out, and
 *   compatibility forms (fullwidth `Ｋ`) are read as the letters they stand for. What the match
 *   covers in the text — the invisible characters and line breaks inside it too — is replaced;
 * - anything shaped like a Feldera API key (`apikey:` and 8 or more key characters), a JWT, or the
 *   credential after `Bearer`, whoever it belongs to;
 * - the value of an OAuth token parameter (`refresh_token`, `access_token`, `id_token`, …) in JSON
 *   or in a form or query, whoever it belongs to (an identity provider's refresh tokens are opaque).
 * The tokens of an OIDC login (access, refresh, ID) are added as they arrive, and those stored in
 * the config when it is read (context.ts).
 * Masks show at most 4 + 4 characters of a secret, so they pass through unchanged.
 *
 * The floor is 8 characters: a piece of 7 or fewer is not hidden. A server that cuts the key into
 * short pieces on purpose (7-character chunks in separate fields) is not stopped by any floor — it
 * could send 1-character pieces — and it has the key already, since it was sent to it; a lower
 * floor would only hide more ordinary text. What the filter stops is a reflection, also one
 * disguised by invisible characters or cut by a wrap, not a server that encodes the key.
 */
import type { IO, Writable } from './io.js';
import { sanitizeLine } from './sanitize.js';

/** `apikey:AbCd…wxyz` — enough to recognise a key, never enough to use it. */
export function maskSecret(secret: string): string {
  const prefix = secret.startsWith('apikey:') ? 'apikey:' : '';
  const body = [...secret.slice(prefix.length)];
  // Show 4 + 4 characters only when they are a small part of the secret.
  if (body.length < 16) return `${prefix}****`;
  return sanitizeLine(`${prefix}${body.slice(0, 4).join('')}…${body.slice(-4).join('')}`);
}

const API_KEY = /apikey:[A-Za-z0-9_.~+/=-]{8,}/g;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
// after `Bearer`: a run of token characters with a digit in it (prose such as "bearer credential" has none)
const BEARER = /(bearer\s+)(?=[A-Za-z0-9_.~+/=:-]*\d)[A-Za-z0-9_.~+/=:-]{12,}/gi;
// an OAuth token parameter's value: `"refresh_token": "…"`, `refresh_token=…`
const OAUTH_PARAM =
  /((?:access_token|refresh_token|id_token|device_code|code_verifier|client_secret)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{8,}/gi;

/** Hide anything that looks like a bearer secret (API keys, JWTs, what follows `Bearer`, OAuth token parameters), known or not. */
export function redactSecrets(text: string): string {
  if (!/apikey:|eyJ|bearer|_token|device_code|code_verifier|client_secret/i.test(text)) return text;
  return text
    .replace(API_KEY, (m) => maskSecret(m))
    .replace(JWT, '<token>')
    .replace(BEARER, '$1<token>')
    .replace(OAUTH_PARAM, '$1<token>');
}

/** Pieces of a secret this long or longer are redacted wherever they appear. */
export const PIECE = 8;
const BASE = 257;
const BASE_POW = (() => {
  let p = 1;
  for (let i = 1; i < PIECE; i++) p = Math.imul(p, BASE);
  return p >>> 0;
})();

/** A rolling hash of the PIECE characters starting at each offset: O(1) per step, no substrings made. */
function hashAt(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + PIECE; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) >>> 0;
  return h;
}

/** Characters nobody sees: default-ignorable code points (zero-width, bidi controls, tags, variation selectors) and marks. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{M}]/u;
/** Anything that can make the skeleton differ from the text; without any, the text is its own skeleton. */
const NOT_PLAIN = /[^\x20-\x5b\x5d-\x7e\t]/;
const ESCAPED = /\\u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/y;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/y;

/** Where what starts at `i` ends when matching leaves it out: a line break and its indentation, a colour code, an escaped invisible character. */
function skipAt(text: string, i: number, c: number): number | undefined {
  if (c === 0x0a || c === 0x0d) {
    let j = i + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n')) j++;
    return j;
  }
  if (c === 0x1b) {
    CSI.lastIndex = i;
    return CSI.test(text) ? CSI.lastIndex : undefined;
  }
  if (c === 0x5c) {
    ESCAPED.lastIndex = i;
    const m = ESCAPED.exec(text);
    if (!m) return undefined;
    const cp = Number.parseInt(m[1] ?? m[2]!, 16);
    return cp <= 0x10ffff && INVISIBLE.test(String.fromCodePoint(cp)) ? ESCAPED.lastIndex : undefined;
  }
  return undefined;
}

/**
 * Walk the text as matching sees it (see the module comment): `emit` gets each UTF-16 unit of the
 * skeleton and where in the text it came from (`from` to `to`, exclusive). One pass, nothing kept.
 */
function walkSkeleton(text: string, emit: (code: number, from: number, to: number) => void): void {
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) {
      emit(c, i, i + 1);
      i++;
      continue;
    }
    const skipped = skipAt(text, i, c);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    const next = i + ch.length;
    if (!INVISIBLE.test(ch)) {
      const compat = c >= 0x80 ? ch.normalize('NFKC') : ch;
      const str = /^[\x21-\x7e]+$/.test(compat) ? compat : ch;
      for (let k = 0; k < str.length; k++) emit(str.charCodeAt(k), i, next);
    }
    i = next;
  }
}

/** The skeleton as a string, and for each of its UTF-16 units where it came from in the text. */
export function skeleton(text: string): { s: string; from: number[]; to: number[] } {
  const codes: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  walkSkeleton(text, (c, a, b) => {
    codes.push(c);
    from.push(a);
    to.push(b);
  });
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return { s, from, to };
}

interface Known {
  secret: string;
  mask: string;
}

export interface Scrubber {
  /** A credential to hide from now on (an API key, a token, a token command's output). Short or empty ones are ignored. */
  add(secret: string | undefined): void;
  scrub(text: string): string;
  /** Whether the text holds a known credential or a PIECE-long piece of one (not what merely looks like one). */
  holds(text: string): boolean;
}

export function createScrubber(): Scrubber {
  const known = new Map<string, Known>();
  /** Hashes of every PIECE-long piece of every known secret's body (its `apikey:` prefix is no secret). */
  const pieces = new Map<number, string[]>();
  /** One bit per low 16 bits of a piece hash: most offsets are ruled out without a Map lookup. */
  const seen = new Uint8Array(1 << 13);

  /** Where PIECE-long pieces of known secrets are in `text`, as merged [from, to) ranges. */
  const pieceRanges = (text: string): [number, number][] => {
    const ranges: [number, number][] = [];
    if (pieces.size === 0 || text.length < PIECE) return ranges;
    let h = hashAt(text, 0);
    for (let i = 0; ; i++) {
      const hit = (seen[(h & 0xffff) >>> 3]! & (1 << (h & 7))) !== 0 ? pieces.get(h) : undefined;
      if (hit?.some((p) => text.startsWith(p, i))) {
        const last = ranges.at(-1);
        if (last && last[1] >= i) last[1] = i + PIECE;
        else ranges.push([i, i + PIECE]);
      }
      if (i + PIECE >= text.length) break;
      h = (Math.imul((h - Math.imul(text.charCodeAt(i), BASE_POW)) >>> 0, BASE) + text.charCodeAt(i + PIECE)) >>> 0;
    }
    return ranges;
  };

  const replaceRanges = (text: string, ranges: [number, number][]): string => {
    if (ranges.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      out += `${text.slice(at, from)}<redacted>`;
      at = to;
    }
    return out + text.slice(at);
  };

  /**
   * Pieces found in the skeleton: the text they span (invisible characters and wraps inside them
   * too) is replaced. The rolling hash runs over the skeleton as it is walked, with the last PIECE
   * units and where they came from in a ring: no copy of the text is made.
   */
  const redactDisguised = (text: string): string => {
    if (pieces.size === 0) return text;
    const ranges: [number, number][] = [];
    const codes = new Uint16Array(PIECE);
    const starts = new Int32Array(PIECE);
    let n = 0;
    let h = 0;
    walkSkeleton(text, (c, from, to) => {
      const slot = n % PIECE;
      if (n >= PIECE) h = (h - Math.imul(codes[slot]!, BASE_POW)) >>> 0;
      h = (Math.imul(h, BASE) + c) >>> 0;
      codes[slot] = c;
      starts[slot] = from;
      n++;
      if (n < PIECE || (seen[(h & 0xffff) >>> 3]! & (1 << (h & 7))) === 0) return;
      const hit = pieces.get(h);
      if (!hit) return;
      let piece = '';
      for (let k = 0; k < PIECE; k++) piece += String.fromCharCode(codes[(n + k) % PIECE]!);
      if (!hit.includes(piece)) return;
      const begin = starts[n % PIECE]!;
      const last = ranges.at(-1);
      if (last && last[1] >= begin) last[1] = Math.max(last[1], to);
      else ranges.push([begin, to]);
    });
    return replaceRanges(text, ranges);
  };

  /** The skeleton is matched on the text as it came (a plain pass first would cut a wrapped secret's context away). */
  const redactPieces = (text: string): string =>
    NOT_PLAIN.test(text) ? redactDisguised(text) : replaceRanges(text, pieceRanges(text));

  return {
    add(secret) {
      if (!secret || secret.length < 4 || known.has(secret)) return;
      known.set(secret, { secret, mask: maskSecret(secret) });
      const body = secret.startsWith('apikey:') ? secret.slice('apikey:'.length) : secret;
      for (let i = 0; i + PIECE <= body.length; i++) {
        const piece = body.slice(i, i + PIECE);
        const h = hashAt(piece, 0);
        const list = pieces.get(h) ?? [];
        if (!list.includes(piece)) list.push(piece);
        pieces.set(h, list);
        seen[(h & 0xffff) >>> 3]! |= 1 << (h & 7);
      }
    },
    scrub(text) {
      let out = text;
      for (const { secret, mask } of known.values()) if (out.includes(secret)) out = out.split(secret).join(mask);
      return redactSecrets(redactPieces(out));
    },
    holds(text) {
      for (const { secret } of known.values()) if (text.includes(secret)) return true;
      return redactPieces(text) !== text;
    },
  };
}

function scrubbing(stream: Writable, scrubber: Scrubber): Writable {
  return { write: (chunk: string) => stream.write(typeof chunk === 'string' ? scrubber.scrub(chunk) : chunk) };
}

/** The same IO (getters kept as getters: `stdinIsTTY` is read only when asked), every write to stdout and stderr scrubbed. */
export function scrubbedIO<T extends IO>(io: T, scrubber: Scrubber): T {
  const field = (value: Writable) => ({ value, enumerable: true, writable: true, configurable: true });
  return Object.create(Object.getPrototypeOf(io) as object, {
    ...Object.getOwnPropertyDescriptors(io),
    stdout: field(scrubbing(io.stdout, scrubber)),
    stderr: field(scrubbing(io.stderr, scrubber)),
  }) as T;
}
