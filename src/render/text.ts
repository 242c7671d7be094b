/**
 * Text measured and cut as a terminal shows it: columns per character (wide East Asian and emoji
 * take two, combining marks none), widths of strings with colour codes in them, wrapping and
 * cutting to a width.
 */

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a code point takes in a terminal: 0 for combining marks and zero-width characters, 2 for wide East Asian and emoji. */
function cpWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x20e3) return 0;
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
  for (const ch of s) n += cpWidth(ch.codePointAt(0)!);
  return n;
}

/** Columns a string takes once its colour codes are removed. */
export function visibleWidth(s: string): number {
  return textWidth(s.replace(SGR, ''));
}

/** The widest line of a block of text, colour codes ignored. */
export function widest(text: string): number {
  return text.split('\n').reduce((m, l) => Math.max(m, visibleWidth(l)), 0);
}

/** At most `max` characters: longer text is cut and ends in `…`. */
export function cut(text: string, max: number): string {
  const cps = Array.from(text);
  if (max <= 1) return '';
  return cps.length <= max ? text : cps.slice(0, max - 1).join('') + '…';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Cut `s` into a head of at most `cols` columns and the rest; prefers to cut after / ? & = . _ - : when that keeps half the line. */
function splitAt(s: string, cols: number): [string, string] {
  const cps = Array.from(s);
  let w = 0;
  let end = 0;
  while (end < cps.length && w + cpWidth(cps[end]!.codePointAt(0)!) <= cols) w += cpWidth(cps[end++]!.codePointAt(0)!);
  if (end === 0) end = 1; // a character wider than the line: take it anyway
  for (let i = end; i > end / 2; i--) {
    if ('/?&=._-:'.includes(cps[i - 1]!) && i < cps.length) {
      end = i;
      break;
    }
  }
  return [cps.slice(0, end).join(''), cps.slice(end).join('')];
}

/**
 * Wrap (already sanitised) text to `cols` columns. Line breaks are kept; a line that fits is
 * kept as it is (alignment inside it survives); a longer one is wrapped at spaces with its
 * leading indentation repeated on continuation lines; a word longer than a line is cut.
 */
export function wrapText(text: string, cols: number): string[] {
  const out: string[] = [];
  const max = Math.max(cols, 10);
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (textWidth(line) <= max) {
      out.push(line);
      continue;
    }
    let lead = /^ */.exec(line)![0];
    if (lead.length > max / 2) lead = lead.slice(0, Math.floor(max / 2));
    const avail = max - lead.length;
    let cur = '';
    for (let word of line.trimStart().split(/ +/)) {
      if (cur && textWidth(cur) + 1 + textWidth(word) <= avail) {
        cur += ' ' + word;
        continue;
      }
      if (cur) out.push(lead + cur);
      cur = '';
      while (textWidth(word) > avail) {
        const [head, rest] = splitAt(word, avail);
        out.push(lead + head);
        word = rest;
      }
      cur = word;
    }
    if (cur) out.push(lead + cur);
  }
  return out;
}
