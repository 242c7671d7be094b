/** "Did you mean …?": close matches only (util/suggest.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeMatches, didYouMean, editDistance, withSuggestion } from '../../src/util/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['latest', 'latest', 0],
    ['lastest', 'latest', 1], // one letter too many
    ['prdo', 'prod', 1], // two neighbours swapped
    ['nagois', 'nagios', 1],
    ['compilr', 'compiler', 1],
    ['kitten', 'sitting', 3],
    ['abc', '', 3],
  ])('%j → %j: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('zero only for equal strings, symmetric, at most the longer length', () => {
    const word = fc.string({ maxLength: 10 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        const ab = editDistance(a, b);
        expect(ab === 0).toBe(a === b);
        expect(ab).toBe(editDistance(b, a));
        expect(ab).toBeLessThanOrEqual(Math.max([...a].length, [...b].length));
      }),
    );
  });
});

describe('closeMatches and didYouMean', () => {
  it.each([
    ['lastest', ['latest'], 'did you mean latest?'],
    ['al', ['status', 'all'], 'did you mean all?'],
    ['nagois', ['text', 'json', 'nagios'], 'did you mean nagios?'],
    ['compilr', ['api', 'compiler', 'runner'], 'did you mean compiler?'],
    ['prdo', ['prod', 'staging'], 'did you mean prod?'],
    ['HEALTHY', ['healthy', 'unhealthy', 'change'], 'did you mean healthy?'],
    ['bsh', ['bash', 'zsh', 'fish'], 'did you mean bash or zsh?'],
  ])('%j among %j: %j', (value, candidates, want) => {
    expect(didYouMean(value, candidates)).toBe(want);
  });

  it.each([
    ['xyz', ['text', 'json', 'nagios']],
    ['a', ['api', 'all']], // one letter is no evidence
    ['prod', ['prod', 'prd']], // a candidate itself: nothing to suggest
    ['', ['all']],
    ['staging', ['prod']],
  ])('nothing close: %j among %j', (value, candidates) => {
    expect(didYouMean(value, candidates)).toBeUndefined();
  });

  it('only the best matches are offered, and each is close', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), (v, cs) => {
        const m = closeMatches(v, cs);
        if (cs.includes(v)) expect(m).toEqual([]);
        const ds = m.map((c) => editDistance(v.trim().toLowerCase(), c.toLowerCase()));
        for (const d of ds) expect(d).toBeLessThanOrEqual(3);
        expect(new Set(ds).size).toBeLessThanOrEqual(1);
        for (const c of m) expect(cs).toContain(c);
      }),
    );
  });

  it('withSuggestion puts the suggestion before the hint', () => {
    expect(withSuggestion('did you mean all?', 'run `x --help`')).toBe('did you mean all? run `x --help`');
    expect(withSuggestion(undefined, 'run `x --help`')).toBe('run `x --help`');
    expect(withSuggestion('did you mean all?', undefined)).toBe('did you mean all?');
  });
});
