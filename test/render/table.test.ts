/**
 * The borderless table is laid out by render/table.ts without cli-table3 (so piped output and the
 * history commands do not load it); cli-table3, drawing the same table, is the oracle here.
 */

import { Chalk } from 'chalk';
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainTable } from '../../src/render/table.js';

/** cli-table3 with no border at all and two spaces between columns: what plainTable draws. */
const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

function oracle(color: InstanceType<typeof Chalk>, head: string[], rows: string[][]): string {
  const t = new Table({
    chars: NO_BORDER,
    head: head.map((h) => color.bold(h)),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const r of rows) t.push(r);
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });

describe('plainTable', () => {
  it('lays out a known table: widest cell per column, two spaces between, no trailing blanks', () => {
    const out = plainTable(
      { color: plain },
      ['SERVICE', 'HEALTH'],
      [
        ['api', '✓ Healthy'],
        ['compiler', '✗ Unhealthy'],
        ['runner', ''],
      ],
    );
    expect(out).toBe(['SERVICE   HEALTH', 'api       ✓ Healthy', 'compiler  ✗ Unhealthy', 'runner'].join('\n'));
  });

  it('counts columns as the terminal does: colour codes none, wide characters two', () => {
    const out = plainTable(
      { color: coloured },
      ['A', 'B'],
      [
        [coloured.red('✗ bad'), '漢字'],
        ['x', 'y'],
      ],
    );
    expect(out.split('\n')[2]).toBe('x      y');
    expect(out).toBe(
      oracle(
        coloured,
        ['A', 'B'],
        [
          [coloured.red('✗ bad'), '漢字'],
          ['x', 'y'],
        ],
      ),
    );
  });

  it('a cell with a line break spans lines; a header alone is one line', () => {
    expect(plainTable({ color: plain }, ['A', 'BB'], [['a\nb', 'c']])).toBe('A  BB\na  c\nb');
    expect(plainTable({ color: coloured }, ['A', 'BB'], [])).toBe(oracle(coloured, ['A', 'BB'], []));
  });

  it('draws what cli-table3 draws, for any cells of text, colour and wide characters', () => {
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', '.', ':', '✓', '✗', '…', '漢', 'é'), maxLength: 12 }),
      fc.string({ maxLength: 8 }).map((s) => coloured.red(s.replace(/[\u0000-\u001f\u007f-\u009f\n]/g, ''))),
    );
    const cell = fc.array(piece, { maxLength: 3 }).map((ps) => ps.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 6 }),
        (n, body) => {
          const head = ['ID', 'RECORDED', 'VERDICT', 'API', 'RUNNER'].slice(0, n);
          const rows = body.map((r) => r.slice(0, n));
          expect(plainTable({ color: coloured }, head, rows)).toBe(oracle(coloured, head, rows));
        },
      ),
      { numRuns: 500 },
    );
  });
});
