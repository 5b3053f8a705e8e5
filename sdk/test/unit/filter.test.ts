import { bindParams, type FilterParams } from '@basalt/filter';
import { BasaltError, filter } from '../../src';

/*
 * basalt.filter is @basalt/filter's bindParams, bundled. These cases prove the SDK (as built and
 * as source) binds exactly like the package the server parses with, injection attempts included.
 */

const built = require('../../dist/index.cjs') as typeof import('../../src');

const CASES: Array<[string, FilterParams]> = [
  ['title ~ {:q} && score > {:min}', { q: 'news', min: 3 }],
  ['title = {:q}', { q: "x' || 1=1" }],
  ['title = {:q}', { q: 'x" || 1=1' }],
  ['title = {:q}', { q: "x\\' || true = true || 'a" }],
  ['title = {:q}', { q: "') || (1 = 1" }],
  ['title = {:q}', { q: '{:other}' }],
  ["note = '{:q}' && title = {:q}", { q: 'x' }],
  ['a = {:v} || b = {:v}', { v: -2.5 }],
  ['at > {:since} && ok = {:ok} && gone = {:none}', { since: new Date(Date.UTC(2024, 0, 2)), ok: false, none: null }],
  ['@request.auth.id = {:me}', { me: '0193a' }],
];

describe('filter()', () => {
  it.each(CASES)('binds %j like @basalt/filter', (expr, params) => {
    const expected = bindParams(expr, params);
    expect(filter(expr, params)).toBe(expected);
    expect(built.filter(expr, params)).toBe(expected);
  });

  it.each([
    ['a missing parameter', 'a = {:v} && b = {:w}', { v: 1 }, '16'],
    ['a template that does not parse', 'title {:q}', { q: 'x' }, '6'],
    ['a value of the wrong kind', 'x = {:v}', { v: { a: 1 } }, '4'],
    ['NaN', 'x = {:v}', { v: NaN }, '4'],
  ])('turns %s into invalid_filter with its position', (_, expr, params, position) => {
    for (const impl of [filter, built.filter]) {
      let error: unknown;
      try {
        impl(expr, params as FilterParams);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(impl === filter ? BasaltError : built.BasaltError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_filter', details: { position } });
    }
  });
});
