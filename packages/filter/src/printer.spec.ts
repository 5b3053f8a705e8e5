import type { Expr } from './ast';
import { parseFilter } from './parser';
import { print, printLiteral } from './printer';

/** The AST without `start`/`end`, for comparing trees that came from different source text. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'start' && key !== 'end')
      .map(([key, inner]) => [key, withoutPositions(inner)]),
  );
}

const ROUND_TRIPS = [
  '',
  'a = 1',
  'title ~ "hello"',
  "title !~ 'it\\'s'",
  `s = "say \\"hi\\" \\\\ \\n\\t\\r"`,
  "s = 'tab\there' || s = 'emoji 😀'",
  'tags ?= "news" && tags ?!= "tech"',
  'score ?> 1 || score ?>= 2 || score ?< 3 || score ?<= 4 || tags ?~ "x" || tags ?!~ "y"',
  'score > -1.5e-7 && score < 1e21 && score >= 0.1 && score <= -0 && score != 123456789012',
  'a = true && b = false && c = null && null = d',
  'author.name = @request.auth.name && post.author.team.id != @request.body.meta.team.id',
  'publishedAt <= @now',
  'title ~ {:q} && score > {:min}',
  'a = 1 || b = 2 && c = 3',
  '(a = 1 || b = 2) && c = 3',
  'a = 1 && (b = 2 && c = 3)',
  '(a = 1 && b = 2) && c = 3',
  'a = 1 || (b = 2 || c = 3)',
  '((a = 1))',
  '!a = 1',
  '!!a = 1',
  '!(a = 1 || b = 2)',
  '!(a = 1 && !(b = 2 || !c = 3))',
  '!(!a = 1)',
  '(!a = 1) && (!(b = 2))',
  '@request.auth.id != "" && (author = @request.auth.id || @request.auth.roles ?= "admin")',
];

describe('print', () => {
  it.each(ROUND_TRIPS)('round-trips %j', (source) => {
    const ast = parseFilter(source);
    const printed = print(ast);
    expect(withoutPositions(parseFilter(printed))).toEqual(withoutPositions(ast));
    expect(print(parseFilter(printed))).toBe(printed);
  });

  it.each([
    ['', ''],
    ['  a=1  ', 'a = 1'],
    ['title~"x"&&score>=-2', "title ~ 'x' && score >= -2"],
    ['a=1||b=2&&c=3', 'a = 1 || b = 2 && c = 3'],
    ['(a=1||b=2)&&c=3', '(a = 1 || b = 2) && c = 3'],
    ['a=1||(b=2&&c=3)', 'a = 1 || b = 2 && c = 3'],
    ['a=1||(b=2||c=3)', 'a = 1 || (b = 2 || c = 3)'],
    ['((a=1))', 'a = 1'],
    ['!a=1', '!(a = 1)'],
    ['!!(a=1)', '!!(a = 1)'],
    ['n = 1.50', 'n = 1.5'],
    ['n = 2E3', 'n = 2000'],
    ['x = @request.auth.id', 'x = @request.auth.id'],
    ['x={:p}', 'x = {:p}'],
    [`s = "it's \\"quoted\\""`, `s = 'it\\'s "quoted"'`],
  ])('prints %j canonically as %j', (source, canonical) => {
    expect(print(parseFilter(source))).toBe(canonical);
  });

  it('prints a hand-built AST', () => {
    const ast: Expr = {
      type: 'and',
      items: [
        { type: 'compare', op: '?=', left: { type: 'auth', path: ['roles'], start: 0, end: 0 }, right: { type: 'literal', value: 'editor', start: 0, end: 0 }, start: 0, end: 0 },
        { type: 'not', expr: { type: 'compare', op: '<', left: { type: 'body', path: ['at'], start: 0, end: 0 }, right: { type: 'now', start: 0, end: 0 }, start: 0, end: 0 }, start: 0, end: 0 },
      ],
      start: 0,
      end: 0,
    };
    expect(print(ast)).toBe("@request.auth.roles ?= 'editor' && !(@request.body.at < @now)");
  });
});

describe('printLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['"double"', `'"double"'`],
    ['line\nbreak\ttab\rreturn', "'line\\nbreak\\ttab\\rreturn'"],
    ["x' || 1=1", "'x\\' || 1=1'"],
    [-0, '-0'],
    [1e21, '1e+21'],
    [0.000001, '0.000001'],
    [true, 'true'],
    [null, 'null'],
  ])('prints %j as %s', (value, text) => {
    expect(printLiteral(value)).toBe(text);
    expect(parseFilter(`x = ${text}`)).toMatchObject({ right: { type: 'literal', value } });
  });

  it.each([NaN, Infinity, -Infinity])('refuses %d, which has no literal form', (value) => {
    expect(() => printLiteral(value)).toThrow(RangeError);
  });
});
