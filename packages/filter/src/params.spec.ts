import { FilterError } from './errors';
import { bindParams, resolveParams, type FilterParams } from './params';
import { parseFilter } from './parser';
import { print } from './printer';
import { collectParams } from './visit';

describe('bindParams', () => {
  it('replaces placeholders with quoted literals and keeps the rest as written', () => {
    expect(bindParams('title ~ {:q}  &&  score > {:min}', { q: 'news', min: 3 })).toBe("title ~ 'news'  &&  score > 3");
  });

  it.each([
    ['a string', 'hello', "'hello'"],
    ['a negative decimal', -2.5, '-2.5'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['null', null, 'null'],
    ['a Date as an ISO string', new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), "'2024-01-02T03:04:05.006Z'"],
  ])('binds %s', (_, value, literal) => {
    expect(bindParams('x = {:v}', { v: value })).toBe(`x = ${literal}`);
  });

  it.each([
    ["x' || 1=1", "title = 'x\\' || 1=1'"],
    ['x" || 1=1', `title = 'x" || 1=1'`],
    ["x\\' || true = true || 'a", "title = 'x\\\\\\' || true = true || \\'a'"],
    ['\\', "title = '\\\\'"],
    ["') || (1 = 1", "title = '\\') || (1 = 1'"],
    ['{:other}', "title = '{:other}'"],
  ])('keeps the injection attempt %j inside one literal', (value, bound) => {
    const result = bindParams('title = {:q}', { q: value, other: 'nope' });
    expect(result).toBe(bound);
    expect(parseFilter(result)).toMatchObject({
      type: 'compare',
      left: { type: 'field', path: ['title'] },
      right: { type: 'literal', value },
    });
  });

  it('binds a name used more than once everywhere it appears', () => {
    expect(bindParams('a = {:v} || b = {:v}', { v: 1 })).toBe('a = 1 || b = 1');
  });

  it('leaves placeholder-like text inside strings alone', () => {
    expect(bindParams("note = '{:q}' && title = {:q}", { q: 'x' })).toBe("note = '{:q}' && title = 'x'");
  });

  it('ignores params the filter does not use', () => {
    expect(bindParams('a = {:v}', { v: 1, unused: 'x' })).toBe('a = 1');
  });

  it('returns an empty filter unchanged', () => {
    expect(bindParams('  ', {})).toBe('  ');
  });

  it('agrees with resolveParams on the parsed filter', () => {
    const source = '(title ~ {:q} || body ~ {:q}) && !(score < {:min}) && at > {:since} && @request.auth.id = {:me}';
    const params: FilterParams = { q: "it's \\ here", min: -1e-3, since: new Date(0), me: null };
    expect(print(parseFilter(bindParams(source, params)))).toBe(print(resolveParams(parseFilter(source), params)));
  });

  it('reports a missing param at its position', () => {
    expect(() => bindParams('a = {:v} && b = {:w}', { v: 1 })).toThrow(new FilterError("missing value for parameter 'w'", 16));
  });

  it('does not take params from the object prototype', () => {
    expect(() => bindParams('a = {:toString}', {})).toThrow(/missing value for parameter 'toString'/);
  });

  it.each([
    ['undefined', undefined, "missing value for parameter 'v'"],
    ['NaN', NaN, "parameter 'v' is not a finite number"],
    ['Infinity', Infinity, "parameter 'v' is not a finite number"],
    ['an invalid Date', new Date('nope'), "parameter 'v' is an invalid date"],
    ['an object', { a: 1 }, "parameter 'v' must be a string, number, boolean, null or Date"],
    ['an array', ['a'], "parameter 'v' must be a string, number, boolean, null or Date"],
  ])('rejects %s as a value', (_, value, message) => {
    expect(() => bindParams('x = {:v}', { v: value } as unknown as FilterParams)).toThrow(new FilterError(message, 4));
  });

  it('rejects a template that does not parse', () => {
    expect(() => bindParams('title {:q}', { q: 'x' })).toThrow(new FilterError("expected an operator but found '{:q}'", 6));
  });
});

describe('resolveParams', () => {
  it('replaces params with literals at the same positions', () => {
    const resolved = resolveParams(parseFilter('a = {:v} && !({:w} != b)'), { v: 'x', w: 2 });
    expect(resolved).toMatchObject({
      type: 'and',
      items: [
        { right: { type: 'literal', value: 'x', start: 4, end: 8 } },
        { type: 'not', expr: { left: { type: 'literal', value: 2, start: 14, end: 18 } } },
      ],
    });
    expect(collectParams(resolved)).toEqual([]);
  });

  it('does not change the input AST', () => {
    const ast = parseFilter('a = {:v}');
    resolveParams(ast, { v: 1 });
    expect(print(ast)).toBe('a = {:v}');
  });

  it('passes the empty filter through', () => {
    expect(resolveParams(null, {})).toBeNull();
  });

  it('reports a missing param at its position', () => {
    expect(() => resolveParams(parseFilter('a = 1 || b = {:v}'), {})).toThrow(new FilterError("missing value for parameter 'v'", 13));
  });
});
