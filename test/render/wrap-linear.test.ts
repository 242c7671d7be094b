/**
 * The one-pass wrapper against the wrapper it replaced (quadratic: it re-measured a long word from
 * its start for every line it cut off): the same lines for any text, and huge inputs finish.
 * Speed itself is measured in bench/render.mjs, not here.
 */
import { Chalk } from 'chalk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/api/types.js';
import { renderServiceReports } from '../../src/render/event.js';
import { capText, FELDERA_TEXT_CAP, textWidth, wrapText } from '../../src/render/text.js';

/** The former implementation, kept as the reference for what the lines should be. */
function cpWidth(ch: string): number {
  return textWidth(ch);
}
function splitAtOld(s: string, cols: number): [string, string] {
  const cps = Array.from(s);
  let w = 0;
  let end = 0;
  while (end < cps.length && w + cpWidth(cps[end]!) <= cols) w += cpWidth(cps[end++]!);
  if (end === 0) end = 1;
  for (let i = end; i > end / 2; i--) {
    if ('/?&=._-:'.includes(cps[i - 1]!) && i < cps.length) {
      end = i;
      break;
    }
  }
  return [cps.slice(0, end).join(''), cps.slice(end).join('')];
}
function wrapTextOld(text: string, cols: number): string[] {
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
        cur += ` ${word}`;
        continue;
      }
      if (cur) out.push(lead + cur);
      cur = '';
      while (textWidth(word) > avail) {
        const [head, rest] = splitAtOld(word, avail);
        out.push(lead + head);
        word = rest;
      }
      cur = word;
    }
    if (cur) out.push(lead + cur);
  }
  return out;
}

const piece = fc.constantFrom(
  'a',
  'bc',
  'def',
  'x'.repeat(13),
  ' ',
  '  ',
  '\n',
  '/',
  '?',
  '=',
  '.',
  '-',
  ':',
  '_',
  '&',
  '編',
  '譯失',
  '😀',
  'é',
  'e\u0301',
  '\u00a0',
  '\t',
);
const textArb = fc.array(piece, { maxLength: 120 }).map((a) => a.join(''));

describe('wrapText in one pass', () => {
  it('gives the same lines as the former wrapper (property)', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 1, max: 40 }), (text, cols) => {
        expect(wrapText(text, cols)).toEqual(wrapTextOld(text, cols));
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('a 1 MB word, a 1 MB run of spaces and 1 MB of prose keep every character', () => {
    const word = 'x'.repeat(1_000_000);
    const lines = wrapText(word, 80);
    expect(lines).toHaveLength(12_500);
    expect(lines.join('')).toBe(word);
    expect(wrapText(`a${' '.repeat(1_000_000)}b`, 80)).toEqual(['a b']);
    const prose = 'lorem ipsum '.repeat(90_000).trimEnd();
    expect(wrapText(prose, 80).join(' ')).toBe(prose);
  });
});

describe('text longer than Feldera sends', () => {
  const plain = new Chalk({ level: 0 });
  const event = {
    id: '019afe41-4c7c-72be-a474-68be688e548d',
    recorded_at: '2025-12-08T14:05:03.645735Z',
    all_healthy: false,
    api_status: 'Healthy',
    compiler_status: 'Unhealthy',
    runner_status: 'Healthy',
  } as ClusterEvent;

  it("Feldera's own cap and suffix pass untouched", () => {
    const feldera = `${'y'.repeat(FELDERA_TEXT_CAP)} (truncated due to exceeding maximum number of characters)`;
    expect(capText(feldera)).toBe(feldera);
  });

  it('is cut at 8,192 characters with a marker at a terminal (a 320,000-character word)', () => {
    const text = renderServiceReports(
      { ...event, compiler_self_info: '😀'.repeat(100) + 'x'.repeat(320_000) },
      'compiler',
      { columns: 80, color: plain },
    );
    expect(text.replace(/\s+/g, ' ')).toContain(
      '[cut by cluster: 320,100 characters in all; --json shows the whole text]',
    );
    expect(text.split('[cut')[0]!.replace(/[^x]/g, '')).toHaveLength(FELDERA_TEXT_CAP - 100);
    expect(text.length).toBeLessThan(12_000);
  });
});
