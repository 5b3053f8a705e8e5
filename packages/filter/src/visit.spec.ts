import { parseFilter } from './parser';
import { collectFields, collectOperands, collectParams, comparisons, countComparisons, mapOperands } from './visit';
import { print } from './printer';

const source = '(author.name ~ {:q} || title = "x") && !(@request.auth.id = owner && score > {:min}) && @now > publishedAt';
const ast = parseFilter(source);

describe('visit helpers', () => {
  it('lists every comparison in source order', () => {
    expect([...comparisons(ast)].map((compare) => source.slice(compare.start, compare.end))).toEqual([
      'author.name ~ {:q}',
      'title = "x"',
      '@request.auth.id = owner',
      'score > {:min}',
      '@now > publishedAt',
    ]);
  });

  it('counts comparisons', () => {
    expect(countComparisons(ast)).toBe(5);
    expect(countComparisons(parseFilter('a = 1'))).toBe(1);
  });

  it('collects every field path with its position', () => {
    expect(collectFields(ast).map((field) => [field.path, field.start])).toEqual([
      [['author', 'name'], source.indexOf('author')],
      [['title'], source.indexOf('title')],
      [['owner'], source.indexOf('owner')],
      [['score'], source.indexOf('score')],
      [['publishedAt'], source.indexOf('publishedAt')],
    ]);
  });

  it('collects every param', () => {
    expect(collectParams(ast).map((param) => param.name)).toEqual(['q', 'min']);
  });

  it('collects operands left before right', () => {
    expect(collectOperands(parseFilter('a = 1')).map((operand) => operand.type)).toEqual(['field', 'literal']);
  });

  it('treats the empty filter as having nothing', () => {
    expect([...comparisons(null)]).toEqual([]);
    expect(collectFields(null)).toEqual([]);
    expect(collectParams(null)).toEqual([]);
    expect(countComparisons(null)).toBe(0);
  });

  it('maps operands into a new tree', () => {
    const renamed = mapOperands(ast!, (operand) => (operand.type === 'field' ? { ...operand, path: ['x', ...operand.path] } : operand));
    expect(print(renamed)).toBe(
      "(x.author.name ~ {:q} || x.title = 'x') && !(@request.auth.id = x.owner && x.score > {:min}) && @now > x.publishedAt",
    );
    expect(collectFields(ast)[0].path).toEqual(['author', 'name']);
  });
});
