import type { CompareExpr, Expr, Operand } from './ast';
import { FilterError } from './errors';
import { Lexer, type Token } from './lexer';
import { assertWithinByteLength, resolveLimits, type FilterLimits, type FilterOptions } from './limits';

/**
 * Parses a filter or rule. An empty or whitespace-only source means "no filter" and gives `null`.
 * Throws FilterError on a syntax error or when a limit is exceeded; the size limit is checked
 * before any lexing, depth and comparison limits as parsing reaches them.
 */
export function parseFilter(source: string, options?: FilterOptions): Expr | null {
  // The server hands over query parameters and JSON bodies; an array or object there is a bad filter, not a crash.
  if (typeof source !== 'string') throw new FilterError('filter must be a string', 0);
  const limits = resolveLimits(options);
  assertWithinByteLength(source, limits.maxLength);
  return new Parser(source, limits).parse();
}

/** Recursive descent over the grammar in API.md; recursion only happens at `!` and `(`, both depth-limited. */
class Parser {
  private readonly lexer: Lexer;
  private token: Token;
  private depth = 0;
  private comparisons = 0;

  constructor(
    source: string,
    private readonly limits: FilterLimits,
  ) {
    this.lexer = new Lexer(source);
    this.token = this.lexer.next();
  }

  parse(): Expr | null {
    if (this.at('eof')) return null;
    const expr = this.or();
    if (!this.at('eof')) throw this.expected("'&&', '||' or end of input");
    return expr;
  }

  private or(): Expr {
    const items = [this.and()];
    while (this.at('||')) {
      this.advance();
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { type: 'or', items, start: items[0].start, end: items[items.length - 1].end };
  }

  private and(): Expr {
    const items = [this.not()];
    while (this.at('&&')) {
      this.advance();
      items.push(this.not());
    }
    return items.length === 1 ? items[0] : { type: 'and', items, start: items[0].start, end: items[items.length - 1].end };
  }

  private not(): Expr {
    const start = this.token.start;
    if (this.at('!')) {
      this.enterNesting();
      this.advance();
      const expr = this.not();
      this.depth--;
      return { type: 'not', expr, start, end: expr.end };
    }
    if (this.at('(')) {
      this.enterNesting();
      this.advance();
      const expr = this.or();
      if (!this.at(')')) throw this.expected(`')' for the '(' at position ${start}`);
      const end = this.token.end;
      this.advance();
      this.depth--;
      return { ...expr, start, end };
    }
    return this.compare();
  }

  private compare(): CompareExpr {
    const start = this.token.start;
    if (++this.comparisons > this.limits.maxComparisons) {
      throw new FilterError(`filter has more than ${this.limits.maxComparisons} comparisons`, start);
    }
    const left = this.operand();
    const token = this.token;
    if (token.kind !== 'op') throw this.expected('an operator');
    const op = token.op;
    this.advance();
    const right = this.operand();
    return { type: 'compare', op, left, right, start, end: right.end };
  }

  private operand(): Operand {
    const token = this.token;
    const span = { start: token.start, end: token.end };
    let operand: Operand;
    switch (token.kind) {
      case 'path':
        operand = { type: 'field', path: token.path, ...span };
        break;
      case 'literal':
        operand = { type: 'literal', value: token.value, ...span };
        break;
      case 'param':
        operand = { type: 'param', name: token.name, ...span };
        break;
      case 'variable':
        operand = variableOperand(token.path, span.start, span.end);
        break;
      default:
        throw this.expected('a field or value');
    }
    this.advance();
    return operand;
  }

  /** Checked before recursing, so 10 000 nested parentheses stop after `maxDepth` frames. */
  private enterNesting(): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new FilterError(`filter is nested deeper than ${this.limits.maxDepth} levels`, this.token.start);
    }
  }

  /** A method rather than `this.token.kind === ...`, which TypeScript would narrow across calls that move the token. */
  private at(kind: Token['kind']): boolean {
    return this.token.kind === kind;
  }

  private advance(): void {
    this.token = this.lexer.next();
  }

  private expected(what: string): FilterError {
    return new FilterError(`expected ${what} but found ${this.lexer.describe(this.token)}`, this.token.start);
  }
}

/** The variables are `@now`, `@request.auth.<path>` and `@request.body.<path>`. */
function variableOperand(path: readonly string[], start: number, end: number): Operand {
  const [name, scope, ...rest] = path;
  if (name === 'now' && path.length === 1) return { type: 'now', start, end };
  if (name === 'request' && rest.length > 0) {
    if (scope === 'auth') return { type: 'auth', path: rest, start, end };
    if (scope === 'body') return { type: 'body', path: rest, start, end };
  }
  throw new FilterError(`unknown variable '@${path.join('.')}'`, start);
}
