/**
 * Columns a terminal gives text: wide East Asian characters and emoji two, combining marks and
 * zero-width characters none, everything else one. Shared by the printer (io/) and the renderers
 * (render/text.ts), so a wrapped error and a wrapped table agree on what fits.
 */

/** Columns a code point takes in a terminal: 0 for combining marks and zero-width characters, 2 for wide East Asian and emoji. */
export function cpWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x20e3)
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal columns of a string without escape sequences (near enough for wrapping). */
export function textWidth(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    // Most text is narrow and outside the ranges cpWidth looks at: one column, no lookup.
    if (u < 0x300) n++;
    else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      n += cpWidth(cp);
    }
  }
  return n;
}
