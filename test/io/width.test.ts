/**
 * The one measure of text in columns (src/io/width.ts): East Asian wide characters, emoji and
 * their sequences, combining marks, zero-width and format characters, as terminals show them
 * (the expected widths are those of Python's wcwidth 0.7 and glibc's wcwidth, where they agree).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpWidth, fitWidth, textWidth } from '../../src/io/width.js';

describe('textWidth', () => {
  it.each([
    ['hello', 5],
    ['', 0],
    ['é', 1],
    ['e\u0301', 1], // combining acute
    ['a\u20d7', 1], // combining arrow above (U+20D0-20FF)
    ['x\u1dc0', 1], // combining supplement
    ['\u05e9\u05b8', 1], // Hebrew letter and point
    ['\u0628\u064e', 1], // Arabic letter and fatha
    ['\u0915\u094d\u0937', 2], // Devanagari conjunct: virama takes no column
    ['\u0e01\u0e34', 1], // Thai vowel sign above
    ['か\u3099', 2], // combining voiced sound mark
    ['編譯失敗', 8],
    ['한국어', 6],
    ['\u1100\u1161\u11a8', 2], // conjoining jamo: one syllable
    ['Ａｂｃ', 6], // fullwidth forms
    ['ｱｲｳ', 3], // halfwidth katakana
    ['\u3000', 2], // ideographic space
    ['\u{20000}', 2], // CJK extension B
    ['→ ✓ ✗ … ⠹ · ─', 13],
    ['🚀a', 3],
    ['⌚✅❌⭐⚡', 10], // emoji presentation inside the BMP
    ['☀❤✈', 3], // text-style emoji
    ['❤\ufe0f', 2], // … made emoji-style by variation selector 16
    ['1\ufe0f\u20e3', 2], // keycap
    ['a\ufe0fb', 2], // a variation selector after a letter changes nothing
    ['👨\u200d👩\u200d👧', 2], // zero-width joiner sequence
    ['🏳\ufe0f\u200d🌈', 2],
    ['👍🏽', 2], // skin tone
    ['🏽', 2], // a skin tone alone
    ['🇩🇪', 2], // a flag: two regional indicators
    ['a\u200bb', 2], // zero-width space
    ['a\u200cb', 2], // zero-width non-joiner
    ['a\u2060b', 2], // word joiner
    ['\ufeffa', 1], // byte order mark
    ['a\u200eb', 2], // left-to-right mark
    ['a\u00adb', 3], // soft hyphen: shown
  ])('%j takes %i columns', (text, columns) => {
    expect(textWidth(text)).toBe(columns);
  });

  it('agrees with the Unicode properties of the engine for every code point (marks and format characters none, emoji presentation two)', () => {
    const zero = /[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff]/u; // and conjoining Hangul vowels and finals
    const presentation = /\p{Emoji_Presentation}/u;
    // one expect for all (one per code point took 9 s): the code points whose width is wrong
    const wrong: string[] = [];
    for (let cp = 0x300; cp <= 0x2ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const w = cpWidth(cp);
      let ok: boolean;
      if (zero.test(ch) && cp !== 0xad) ok = w === 0;
      else if (presentation.test(ch) && !(cp >= 0x1f1e6 && cp <= 0x1f1ff)) ok = w === 2;
      else ok = w === 1 || w === 2;
      if (!ok) wrong.push(`${cp.toString(16)}: ${w}`);
    }
    expect(wrong).toEqual([]);
  });

  it('is the sum of its parts where no sequence joins them (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        if (/[\u200d\ufe0f\u{1f3fb}-\u{1f3ff}]/u.test(b)) return;
        expect(textWidth(a + b)).toBe(textWidth(a) + textWidth(b));
      }),
      { seed: 15 },
    );
  });
});

describe('fitWidth', () => {
  it('keeps the longest start that fits, never splitting a wide character or leaving a mark behind', () => {
    expect(fitWidth('hello', 3)).toBe('hel');
    expect(fitWidth('編譯失敗', 5)).toBe('編譯');
    expect(fitWidth('e\u0301e\u0301e', 2)).toBe('e\u0301e\u0301');
    expect(fitWidth('👨\u200d👩\u200d👧x', 2)).toBe('👨\u200d👩\u200d👧');
    expect(fitWidth('abc', 10)).toBe('abc');
  });

  it('fits, and one more character would not (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(40), (text, cols) => {
        const fit = fitWidth(text, cols);
        expect(text.startsWith(fit)).toBe(true);
        expect(textWidth(fit)).toBeLessThanOrEqual(cols);
        if (fit.length < text.length) {
          const next = String.fromCodePoint(text.codePointAt(fit.length)!);
          expect(textWidth(fit + next)).toBeGreaterThan(cols);
        }
      }),
      { seed: 15 },
    );
  });
});
