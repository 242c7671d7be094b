/**
 * Columns a terminal gives text — the one measure of the program: the printer and the progress
 * line (io/), the wrapper (io/wrap.ts) and the renderers (render/text.ts) use it, so a wrapped
 * error and a wrapped table agree on what fits. Wide East Asian characters and emoji take two
 * columns; combining marks, format characters (zero-width space and joiner, bidi marks, variation
 * selectors) and conjoining Hangul vowels and finals none; everything else one. An emoji joined to
 * the one before (after a zero-width joiner, or a skin tone) adds nothing, and a variation
 * selector 16 makes a text-style emoji (❤ ☀ 1) two columns wide.
 *
 * Why not `string-width` (v4, which cli-table3 brings): it builds its emoji regex and strips ANSI
 * codes on every call, and the wrapper measures every word, and every character of a word it cuts —
 * string-width is tens of times slower at that (`node bench/decisions.mjs` measures both; the
 * README's Benchmarks keep the figures), where the README promises wrapping a 320,000-character word
 * in milliseconds. It is less right too: against Python's wcwidth it counts combining marks outside
 * U+0300-036F, conjoining Hangul and zero-width characters as a column each (test/io/width.test.ts
 * holds the cases, and checks every code point against the engine's Unicode properties). The first
 * non-Latin character outside NARROW_RANGES compiles the property regexes below, once.
 * The marks, format characters and emoji come from the Unicode properties of the JavaScript engine
 * (`\p{Mn}`, `\p{Cf}`, `\p{Emoji_Presentation}`), so they follow Unicode as Node does;
 * test/io/width.test.ts holds the cases. cli-table3 (event get's bordered table, profile list)
 * still measures its cells with its string-width: they are the tool's own words and profile names.
 */

/** Wide and fullwidth East Asian ranges (Unicode East_Asian_Width W and F), which JavaScript regexes cannot name. */
const WIDE_RANGES = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x3fffd],
] as const;

/**
 * Blocks with no wide, zero-width or emoji-presentation character (Greek and Cyrillic letters,
 * general punctuation, arrows, box drawing and shapes, the dingbats the tool prints: ✓ ✗, braille):
 * one column, without compiling the Unicode property regexes below (~1 ms at the first character
 * that needs them). test/io/width.test.ts holds them to the regexes.
 */
const NARROW_RANGES = [
  [0x0370, 0x0482],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x21ff],
  [0x2500, 0x25fc],
  [0x2706, 0x2709],
  [0x270c, 0x2727],
  [0x2800, 0x28ff],
] as const;

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff]/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (const [from, to] of ranges) if (cp >= from && cp <= to) return true;
  return false;
}

function columns(cp: number): number {
  if (inRanges(cp, NARROW_RANGES)) return 1;
  const ch = String.fromCodePoint(cp);
  // The soft hyphen is a format character that terminals show.
  if (cp !== 0xad && ZERO_WIDTH.test(ch)) return 0;
  // A regional indicator alone is one column; two make a flag of two.
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return 1;
  if (inRanges(cp, WIDE_RANGES)) return 2;
  return EMOJI_PRESENTATION.test(ch) ? 2 : 1;
}

// What is known of a code point, packed in a byte: its columns plus one (0: not measured yet), and
// its emoji flags once a sequence has needed them.
const COLUMNS = 3;
const FLAGS_KNOWN = 4;
const IS_EMOJI = 8; // \p{Emoji}: a variation selector 16 after it makes it wide
const PICTURE = 16; // \p{Extended_Pictographic}: joined to the emoji before it after a zero-width joiner
const MODIFIABLE = 32; // \p{Emoji_Modifier_Base}: a skin tone after it joins it

const EMOJI = /\p{Emoji}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const MODIFIER_BASE = /\p{Emoji_Modifier_Base}/u;

function flags(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let f = FLAGS_KNOWN;
  if (EMOJI.test(ch)) f |= IS_EMOJI;
  if (PICTOGRAPHIC.test(ch)) f |= PICTURE;
  if (MODIFIER_BASE.test(ch)) f |= MODIFIABLE;
  return f;
}

/** What is known of each code point met so far: an array for the Basic Multilingual Plane, a map past it. */
const BMP = new Uint8Array(0x10000);
const ASTRAL = new Map<number, number>();

/** What is known of `cp`, with its flags too when `withFlags`. */
function infoOf(cp: number, withFlags: boolean): number {
  let info = cp <= 0xffff ? BMP[cp]! : (ASTRAL.get(cp) ?? 0);
  const missing = info === 0 || (withFlags && !(info & FLAGS_KNOWN));
  if (!missing) return info;
  if (info === 0) info = columns(cp) + 1;
  if (withFlags) info |= flags(cp);
  if (cp <= 0xffff) BMP[cp] = info;
  else ASTRAL.set(cp, info);
  return info;
}

/** Columns a code point takes by itself in a terminal: 0, 1 or 2. */
export function cpWidth(cp: number): number {
  return cp < 0x300 ? 1 : (infoOf(cp, false) & COLUMNS) - 1;
}

const ZWJ = 0x200d;
const VS16 = 0xfe0f;

/** Columns the code point `cp` adds after `prev` (-1 at the start): its own, but within an emoji sequence. */
export function nextWidth(cp: number, prev: number): number {
  if (cp < 0x300) return 1;
  if (cp === VS16) return prev >= 0 && (infoOf(prev, true) & (COLUMNS | IS_EMOJI)) === (2 | IS_EMOJI) ? 1 : 0;
  if (prev === ZWJ && infoOf(cp, true) & PICTURE) return 0;
  if (cp >= 0x1f3fb && cp <= 0x1f3ff && prev >= 0 && infoOf(prev, true) & MODIFIABLE) return 0;
  return cpWidth(cp);
}

/** Terminal columns of a string without escape sequences. */
export function textWidth(s: string): number {
  let n = 0;
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    // Most text is narrow and outside what the tables hold: one column, no lookup.
    if (u < 0x300) {
      n++;
      prev = u;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    n += nextWidth(cp, prev);
    prev = cp;
  }
  return n;
}

/** The longest start of `text` that takes at most `cols` columns; a character that takes none stays with the one before it. */
export function fitWidth(text: string, cols: number): string {
  let width = 0;
  let prev = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    width += nextWidth(cp, prev);
    if (width > cols) return text.slice(0, i);
    prev = cp;
    i += cp > 0xffff ? 2 : 1;
  }
  return text;
}
