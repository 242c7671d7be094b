import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeLine, sanitizeText } from '../../src/io/sanitize.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('sanitize', () => {
  it('strips colour, cursor and OSC sequences', () => {
    expect(
      sanitizeLine('\u001b[31mred\u001b[0m \u001b]0;title\u0007ok \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\'),
    ).toBe('red ok link');
    expect(sanitizeLine('a\u001b[2Jb\u001b[10;10Hc')).toBe('abc');
  });
  it('turns line breaks into spaces on one line, keeps them in text', () => {
    expect(sanitizeLine('a\nb\r\nc\td')).toBe('a b c d');
    expect(sanitizeText('a\nb\r\nc\rd')).toBe('a\nb\nc\nd');
  });
  it('shows other control characters visibly', () => {
    expect(sanitizeLine('bell\u0007 nul\u0000 del\u007f')).toBe('bell\\u0007 nul\\u0000 del\\u007f');
    expect(sanitizeLine('\u202eevil')).toBe('\\u202eevil');
  });
  it('keeps non-ASCII text', () => expect(sanitizeText('Grüße — 健康 ✓ 🚀')).toBe('Grüße — 健康 ✓ 🚀'));
  it('never lets an escape or control character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const line = sanitizeLine(s);
        const text = sanitizeText(s);
        expect(line).not.toMatch(UNSAFE);
        expect(line).not.toContain('\n');
        expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE);
      }),
      { numRuns: 500 },
    );
  });
});
