/**
 * No call passes an array the server can make long as spread arguments: `push(...lines)` and
 * `Math.max(...widths)` put every element on the stack and throw a RangeError past a few hundred
 * thousand (an info text of 130,000 lines did, in `event get -s all`). The helpers take any length;
 * the scan walks every call in src/ and allows spreads only where the array is bounded by a small
 * constant, each named here with why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { append, maxOf } from '../../src/util/arrays.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/** `file: callee` pairs whose spread array is bounded by a constant. */
const BOUNDED: Record<string, string> = {
  // DER encoding of the simulator's own test certificate: a handful of names and bytes.
  'simulator/certificate.ts: out.push': 'the bytes of one number',
  'simulator/certificate.ts: Buffer.from': 'a length of at most 4 bytes',
  'simulator/certificate.ts: seq': 'the certificate names given to the simulator',
  'simulator/certificate.ts: tlv': 'the parts of one DER value',
  // Character codes turned into text 8,192 at a time.
  'io/secrets.ts: String.fromCharCode': 'slices of 8,192 codes',
  // One plugin state per service that is unhealthy: three at most.
  'domain/nagios.ts: worstState': 'one per service',
  // A noun's help examples: constant text.
  'cli.ts: examples': 'constant help text',
  // A wrapper passing on the arguments it was called with (rest parameters, not data).
  'simulator/index.ts: read': 'the arguments of one call',
  // The two halves of one line.
  'render/timeline.ts: fits': 'two strings',
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return files(join(dir, d.name));
    return d.name.endsWith('.ts') ? [join(dir, d.name)] : [];
  });
}

function spreadCalls(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments?.some(ts.isSpreadElement)) {
      found.push(n.expression.getText(source));
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

describe('no spread of an unbounded array', () => {
  it('every call with spread arguments in src/ is one whose array is bounded by a constant', () => {
    const unbounded = files(SRC).flatMap((f) =>
      spreadCalls(f)
        .map((callee) => `${relative(SRC, f)}: ${callee}`)
        .filter((k) => !(k in BOUNDED)),
    );
    expect(unbounded).toEqual([]);
  });

  it('the scan finds a spread call (it can fail)', () => {
    const dir = join(SRC, 'render');
    expect(files(dir).length).toBeGreaterThan(5);
    expect(spreadCalls(join(SRC, 'domain', 'nagios.ts'))).toContain('worstState');
  });
});

describe('append and maxOf take any length', () => {
  const many = Array.from({ length: 600_000 }, (_, i) => i);

  it('a spread of this many throws, so the helpers are needed', () => {
    expect(() => [].push(...(many as never[]))).toThrow(RangeError);
  });

  it('append adds every item in order and returns the array', () => {
    const out = [-1];
    expect(append(out, many)).toBe(out);
    expect(out.length).toBe(600_001);
    expect(out[1]).toBe(0);
    expect(out.at(-1)).toBe(599_999);
  });

  it('maxOf is the largest value, or the value given for none', () => {
    expect(maxOf(many, (x) => (x === 123_456 ? 1e9 : x))).toBe(1e9);
    expect(maxOf([], (x: number) => x)).toBe(Number.NEGATIVE_INFINITY);
    expect(maxOf([], (x: number) => x, 0)).toBe(0);
    expect(maxOf([-3, -7], (x) => x)).toBe(-3);
  });
});
