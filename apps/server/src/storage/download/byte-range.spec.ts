import { matchesEtag, parseRange } from './byte-range.js';

describe('parseRange', () => {
  it.each([
    [undefined, 1000, { kind: 'full' }],
    ['bytes=0-99', 1000, { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=10-19', 1000, { kind: 'partial', range: { start: 10, end: 19 } }],
    ['bytes=990-', 1000, { kind: 'partial', range: { start: 990, end: 999 } }],
    ['bytes=-5', 1000, { kind: 'partial', range: { start: 995, end: 999 } }],
    ['bytes=-5000', 1000, { kind: 'partial', range: { start: 0, end: 999 } }],
    ['bytes=900-5000', 1000, { kind: 'partial', range: { start: 900, end: 999 } }],
    ['bytes=999-999', 1000, { kind: 'partial', range: { start: 999, end: 999 } }],
    [' Bytes = 1-2 ', 1000, { kind: 'partial', range: { start: 1, end: 2 } }],
    ['bytes=0-1,5-6', 1000, { kind: 'full' }],
    ['items=0-1', 1000, { kind: 'full' }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=abc', 1000, { kind: 'unsatisfiable' }],
    ['bytes=1.5-2', 1000, { kind: 'unsatisfiable' }],
    ['bytes=99999999999999999999-', 1000, { kind: 'unsatisfiable' }],
    ['garbage', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-1', 0, { kind: 'unsatisfiable' }],
  ])('%j of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('matchesEtag', () => {
  it('matches strong, weak, listed and * tags', () => {
    expect(matchesEtag('"abc"', 'abc')).toBe(true);
    expect(matchesEtag('W/"abc"', 'abc')).toBe(true);
    expect(matchesEtag('"x", "abc"', 'abc')).toBe(true);
    expect(matchesEtag('*', 'abc')).toBe(true);
    expect(matchesEtag('"abcd"', 'abc')).toBe(false);
    expect(matchesEtag('abc', 'abc')).toBe(false);
    expect(matchesEtag(undefined, 'abc')).toBe(false);
  });
});
