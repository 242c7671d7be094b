/** Cutting server text to a width (render/text.ts cut): by columns, as the wrapper measures. */
import { describe, expect, it } from 'vitest';
import { cut, textWidth, visibleWidth } from '../../src/render/text.js';

describe('cut', () => {
  it('keeps text that fits, else cuts it to the width with … at the end, counting columns', () => {
    expect(cut('compiler is down', 16)).toBe('compiler is down');
    expect(cut('compiler is down', 10)).toBe('compiler …');
    expect(cut('編譯失敗編譯失敗', 8)).toBe('編譯失…');
    expect(cut('編譯失敗編譯失敗', 7)).toBe('編譯失…');
    expect(cut('e\u0301e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301…');
    expect(cut('anything', 1)).toBe('');
    for (const max of [2, 5, 9, 13]) expect(textWidth(cut('🚀編a譯🚀🚀x', max))).toBeLessThanOrEqual(max);
  });

  it('visibleWidth ignores colour codes', () => {
    expect(visibleWidth('\u001b[31m編譯\u001b[39m ok')).toBe(7);
  });
});
