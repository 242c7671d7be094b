/**
 * The one word wrapper (src/io/wrap.ts): prose for stderr keeps long words whole, server text
 * (render/text.ts wrapText) has them cut; both by terminal columns, in time linear in the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/io/width.js';
import { wrapWords } from '../../src/io/wrap.js';

describe('wrapWords', () => {
  it('breaks at spaces within the width; a word longer than a line stays whole on its own', () => {
    expect(wrapWords('cannot reach http://127.0.0.1:8080: connection refused', 20)).toEqual([
      'cannot reach',
      'http://127.0.0.1:8080:',
      'connection refused',
    ]);
    expect(wrapWords('', 20)).toEqual(['']);
  });

  it('counts columns, not characters: wide characters take two', () => {
    const text = '漢字漢字 漢字漢字 漢字漢字';
    const lines = wrapWords(text, 18);
    expect(lines).toEqual(['漢字漢字 漢字漢字', '漢字漢字']);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(18);
  });

  it("with long: 'cut', a word longer than a line is cut, after / ? & = . _ - : where that keeps more than half a piece", () => {
    expect(wrapWords('see http://compiler.local:8085/healthz?check_storage=true now', 24, 'cut')).toEqual([
      'see',
      'http://compiler.local:',
      '8085/healthz?check_',
      'storage=true now',
    ]);
    expect(wrapWords('x'.repeat(25), 10, 'cut')).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrapWords('編譯失敗編譯失敗編譯', 10, 'cut')).toEqual(['編譯失敗編', '譯失敗編譯']);
    // an emoji sequence is measured as one, and never split
    expect(wrapWords('👨\u200d👩\u200d👧'.repeat(3), 4, 'cut')).toEqual([
      '👨\u200d👩\u200d👧👨\u200d👩\u200d👧',
      '👨\u200d👩\u200d👧',
    ]);
  });

  it('no line is wider than the width but a whole word, and no word is lost or changed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'bb', ' ', '  ', '/', '.', '編', 'e\u0301', '🚀', 'ccc-ddd'), { maxLength: 40 }),
        fc.integer({ min: 4, max: 30 }),
        fc.constantFrom('keep' as const, 'cut' as const),
        (parts, width, long) => {
          const text = parts.join('');
          const lines = wrapWords(text, width, long);
          const words = text.split(/ +/).filter(Boolean);
          for (const l of lines) if (long === 'cut' || l.includes(' ')) expect(textWidth(l)).toBeLessThanOrEqual(width);
          if (long === 'keep') expect(lines.join(' ').split(/ +/).filter(Boolean)).toEqual(words);
          else expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
        },
      ),
      { numRuns: 2000, seed: 15 },
    );
  });
});
