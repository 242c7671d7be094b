/** Cutting server text to a width (render/text.ts cut): by columns, as the wrapper measures. */
import { describe, expect, it } from 'vitest';
import { cut, cutWords, flow, textWidth, visibleWidth } from '../../src/render/text.js';

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

describe('cutWords', () => {
  it('cuts after a whole word, with …; keeps what fits; cuts a first word wider than the room', () => {
    const msg = 'Healthy: The api service responded successfully to the last health check.';
    expect(cutWords(msg, 200)).toBe(msg);
    expect(cutWords(msg, 30)).toBe('Healthy: The api service…');
    expect(cutWords(msg, 25)).toBe('Healthy: The api service…');
    expect(cutWords(msg, 24)).toBe('Healthy: The api…');
    expect(cutWords('Unreachable:http://127.0.0.1:8085/healthz', 10)).toBe('Unreachab…');
    for (let max = 2; max < msg.length; max++) expect(textWidth(cutWords(msg, max))).toBeLessThanOrEqual(max);
  });
});

describe('flow', () => {
  it('as many items on a line as fit, then a hanging line; none wider than the width', () => {
    const items = ['01a24eff-f', '12-07 05:35:28', 'unhealthy'];
    expect(flow(items, 40)).toEqual(['01a24eff-f  12-07 05:35:28  unhealthy']);
    expect(flow(items, 30)).toEqual(['01a24eff-f  12-07 05:35:28', '  unhealthy']);
    expect(flow(items, 30, { indent: '  ', hang: '    ' })).toEqual(['  01a24eff-f  12-07 05:35:28', '    unhealthy']);
    expect(flow(['a', 'b'], 10, { sep: '   ' })).toEqual(['a   b']);
  });

  it('an item wider than a line wraps at its spaces; a word wider than the whole width alone is cut', () => {
    expect(flow(['note', 'cannot reach http://127.0.0.1:9: connection refused'], 24)).toEqual([
      'note  cannot reach',
      '  http://127.0.0.1:9:',
      '  connection refused',
    ]);
    // a word that fits the width but not after the indentation takes some of the indentation
    expect(flow(['x', 'https://feldera.example.com'], 28)).toEqual(['x', ' https://feldera.example.com']);
    expect(flow(['x', 'https://feldera.example.com'], 20)).toEqual(['x', 'https://feldera.exa…']);
  });

  it('colour codes are not counted', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const lines = flow([red('unhealthy'), red('✗ Unhealthy'), 'runner'], 24);
    expect(lines.map(visibleWidth)).toEqual([22, 8]);
  });
});
