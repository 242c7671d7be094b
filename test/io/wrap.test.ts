/** Wrapping prose for stderr (errors, hints, summaries): by terminal columns, words kept whole. */
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
});
