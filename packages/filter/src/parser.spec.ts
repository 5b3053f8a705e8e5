import { COMPARE_OPS, type CompareOp, type LiteralValue } from './ast';
import { parseFilter } from './parser';

// Partial shapes for toMatchObject: positions are asserted separately, where they matter.
const field = (...path: string[]) => ({ type: 'field', path });
const lit = (value: LiteralValue) => ({ type: 'literal', value });
const cmp = (left: object, op: CompareOp, right: object) => ({ type: 'compare', op, left, right });
const a1 = cmp(field('a'), '=', lit(1));
const b2 = cmp(field('b'), '=', lit(2));
const c3 = cmp(field('c'), '=', lit(3));

describe('parseFilter', () => {
  it.each(['', '   ', '\n\t\r '])('parses an empty source %j to null (no filter)', (source) => {
    expect(parseFilter(source)).toBeNull();
  });

  describe('operators', () => {
    it.each(COMPARE_OPS)('parses the %s operator with or without spaces', (op) => {
      const expected = cmp(field('tags'), op, lit('x'));
      expect(parseFilter(`tags ${op} 'x'`)).toMatchObject(expected);
      expect(parseFilter(`tags${op}'x'`)).toMatchObject(expected);
    });

    it('reads != and !~ as operators, not as a negation', () => {
      expect(parseFilter('a!=1')).toMatchObject(cmp(field('a'), '!=', lit(1)));
      expect(parseFilter('a!~1')).toMatchObject(cmp(field('a'), '!~', lit(1)));
    });

    it('records the span of a comparison and its operands', () => {
      expect(parseFilter('  title ~ "x"  ')).toEqual({
        type: 'compare',
        op: '~',
        left: { type: 'field', path: ['title'], start: 2, end: 7 },
        right: { type: 'literal', value: 'x', start: 10, end: 13 },
        start: 2,
        end: 13,
      });
    });
  });

  describe('logical operators', () => {
    it('collects a chain of || into one node', () => {
      expect(parseFilter('a = 1 || b = 2 || c = 3')).toMatchObject({ type: 'or', items: [a1, b2, c3], start: 0, end: 23 });
    });

    it('collects a chain of && into one node', () => {
      expect(parseFilter('a = 1 && b = 2 && c = 3')).toMatchObject({ type: 'and', items: [a1, b2, c3] });
    });

    it('binds && tighter than ||', () => {
      expect(parseFilter('a = 1 || b = 2 && c = 3')).toMatchObject({ type: 'or', items: [a1, { type: 'and', items: [b2, c3] }] });
      expect(parseFilter('a = 1 && b = 2 || c = 3')).toMatchObject({ type: 'or', items: [{ type: 'and', items: [a1, b2] }, c3] });
    });

    it('lets parentheses override precedence', () => {
      expect(parseFilter('(a = 1 || b = 2) && c = 3')).toMatchObject({ type: 'and', items: [{ type: 'or', items: [a1, b2] }, c3] });
    });

    it('keeps an explicitly grouped chain as its own node', () => {
      expect(parseFilter('a = 1 || (b = 2 || c = 3)')).toMatchObject({ type: 'or', items: [a1, { type: 'or', items: [b2, c3] }] });
    });

    it('includes the parentheses in the span of a group', () => {
      expect(parseFilter(' ( (a = 1) ) ')).toMatchObject({ ...a1, start: 1, end: 12 });
    });
  });

  describe('negation', () => {
    it('negates a comparison', () => {
      expect(parseFilter('!a = 1')).toMatchObject({ type: 'not', expr: a1, start: 0, end: 6 });
    });

    it('negates a group', () => {
      expect(parseFilter('!(a = 1 || b = 2)')).toMatchObject({ type: 'not', expr: { type: 'or', items: [a1, b2] }, end: 17 });
    });

    it('binds ! tighter than && and ||', () => {
      expect(parseFilter('!a = 1 && b = 2')).toMatchObject({ type: 'and', items: [{ type: 'not', expr: a1 }, b2] });
    });

    it('allows double negation', () => {
      expect(parseFilter('!!a = 1')).toMatchObject({ type: 'not', expr: { type: 'not', expr: a1 } });
    });

    it('tells a negation from a != operator', () => {
      expect(parseFilter('!a != 1')).toMatchObject({ type: 'not', expr: cmp(field('a'), '!=', lit(1)) });
    });
  });

  describe('strings', () => {
    it.each([
      [`"hello"`, 'hello'],
      [`'hello'`, 'hello'],
      [`''`, ''],
      [`"it's"`, "it's"],
      [`'say "hi"'`, 'say "hi"'],
      [`'it\\'s'`, "it's"],
      [`"say \\"hi\\""`, 'say "hi"'],
      [`'a\\\\b'`, 'a\\b'],
      [`'\\n\\t\\r'`, '\n\t\r'],
      [`'\\"'`, '"'],
      [`'&& || ( ) !'`, '&& || ( ) !'],
      [`'héllo ✓ 😀'`, 'héllo ✓ 😀'],
    ])('reads %s as %j', (source, value) => {
      expect(parseFilter(`s = ${source}`)).toMatchObject(cmp(field('s'), '=', lit(value)));
    });
  });

  describe('numbers', () => {
    it.each([
      ['0', 0],
      ['42', 42],
      ['-7', -7],
      ['3.25', 3.25],
      ['-0.5', -0.5],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['-1e+2', -100],
    ])('reads %s as %d', (source, value) => {
      expect(parseFilter(`n > ${source}`)).toMatchObject(cmp(field('n'), '>', lit(value)));
      expect(parseFilter(`n>${source}`)).toMatchObject(cmp(field('n'), '>', lit(value)));
    });
  });

  describe('operands', () => {
    it('reads true, false and null as literals', () => {
      expect(parseFilter('true = false || x != null')).toMatchObject({
        type: 'or',
        items: [cmp(lit(true), '=', lit(false)), cmp(field('x'), '!=', lit(null))],
      });
    });

    it('reads dotted field paths of any length', () => {
      expect(parseFilter('author.name = post.author.team.name')).toMatchObject(
        cmp(field('author', 'name'), '=', field('post', 'author', 'team', 'name')),
      );
    });

    it('allows identifiers with underscores and digits', () => {
      expect(parseFilter('_a1.b_2 = trueish')).toMatchObject(cmp(field('_a1', 'b_2'), '=', field('trueish')));
    });

    it('reads @now', () => {
      expect(parseFilter('publishedAt < @now')).toMatchObject(cmp(field('publishedAt'), '<', { type: 'now', start: 14, end: 18 }));
    });

    it('reads @request.auth paths', () => {
      expect(parseFilter('author = @request.auth.id')).toMatchObject(cmp(field('author'), '=', { type: 'auth', path: ['id'] }));
      expect(parseFilter('@request.auth.roles ?= "editor"')).toMatchObject(
        cmp({ type: 'auth', path: ['roles'], start: 0, end: 19 }, '?=', lit('editor')),
      );
    });

    it('reads @request.body paths, including nested ones', () => {
      expect(parseFilter('@request.body.meta.x = 1')).toMatchObject(cmp({ type: 'body', path: ['meta', 'x'] }, '=', lit(1)));
    });

    it('reads {:param} placeholders', () => {
      expect(parseFilter('title ~ {:q_1}')).toMatchObject(cmp(field('title'), '~', { type: 'param', name: 'q_1', start: 8, end: 14 }));
    });
  });
});
