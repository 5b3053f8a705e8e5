import { COMPARE_OPS, type CompareOp, type LiteralValue, type Span } from './ast';
import { FilterError } from './errors';

export type Punctuation = '&&' | '||' | '!' | '(' | ')';

export type Token = Span &
  (
    | { readonly kind: 'path'; readonly path: string[] }
    /** `@now` -> `['now']`, `@request.auth.id` -> `['request', 'auth', 'id']`; checked by the parser. */
    | { readonly kind: 'variable'; readonly path: string[] }
    | { readonly kind: 'param'; readonly name: string }
    | { readonly kind: 'literal'; readonly value: LiteralValue }
    | { readonly kind: 'op'; readonly op: CompareOp }
    | { readonly kind: Punctuation | 'eof' }
  );

const KEYWORDS: ReadonlyMap<string, LiteralValue> = new Map([
  ['true', true],
  ['false', false],
  ['null', null],
]);

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ['"', '"'],
  ["'", "'"],
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
]);

const PUNCTUATION: readonly Punctuation[] = ['&&', '||', '!', '(', ')'];
/** Longest first, so `!=` wins over `!` and `?>=` over `?>`. */
const SYMBOLS: readonly string[] = [...COMPARE_OPS, ...PUNCTUATION].sort((a, b) => b.length - a.length);

const IDENTIFIER = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const PARAM = /\{:([a-zA-Z_][a-zA-Z0-9_]*)\}/y;
/** A number running straight into one of these is malformed (`1.`, `1e`, `1.2.3`, `12abc`). */
const NUMBER_TAIL = /[a-zA-Z0-9_.]/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Produces tokens on demand, so the parser can stop at the first error (or limit) without the
 * rest of the input ever being scanned.
 */
export class Lexer {
  private pos = 0;

  constructor(private readonly source: string) {}

  next(): Token {
    this.pos = matchAt(WHITESPACE, this.source, this.pos)!.end;
    const start = this.pos;
    if (start >= this.source.length) return { kind: 'eof', start, end: start };

    const char = this.source[start];
    if (char === '"' || char === "'") return this.string(char);
    if (isDigit(char) || (char === '-' && isDigit(this.source[start + 1]))) return this.number();
    if (char === '@') return this.variable();
    if (char === '{') return this.param();
    if (isIdentifierStart(char)) return this.pathOrKeyword();
    return this.symbol();
  }

  /** How a token reads in an error message. */
  describe(token: Token): string {
    if (token.kind === 'eof') return 'end of input';
    const text = this.source.slice(token.start, token.end);
    return `'${text.length > 20 ? `${text.slice(0, 20)}…` : text}'`;
  }

  private string(quote: string): Token {
    const start = this.pos;
    let value = '';
    let i = start + 1;
    for (;;) {
      if (i >= this.source.length) throw new FilterError('unterminated string', start);
      const char = this.source[i];
      if (char === quote) break;
      if (char === '\\') {
        if (i + 1 >= this.source.length) throw new FilterError('unterminated string', start);
        const escaped = ESCAPES.get(this.source[i + 1]);
        if (escaped === undefined) throw new FilterError(`unknown escape '\\${this.source[i + 1]}'`, i);
        value += escaped;
        i += 2;
      } else {
        value += char;
        i += 1;
      }
    }
    this.pos = i + 1;
    return { kind: 'literal', value, start, end: this.pos };
  }

  private number(): Token {
    const start = this.pos;
    const match = matchAt(NUMBER, this.source, start)!;
    if (matchAt(NUMBER_TAIL, this.source, match.end)) {
      throw new FilterError('malformed number', start);
    }
    const value = Number(match.text);
    if (!Number.isFinite(value)) throw new FilterError('number out of range', start);
    this.pos = match.end;
    return { kind: 'literal', value, start, end: this.pos };
  }

  private pathOrKeyword(): Token {
    const start = this.pos;
    const path = this.path(start);
    const keyword = KEYWORDS.get(path[0]);
    if (keyword !== undefined) {
      if (path.length > 1) throw new FilterError(`'${path[0]}' is a keyword and cannot start a field path`, start);
      return { kind: 'literal', value: keyword, start, end: this.pos };
    }
    return { kind: 'path', path, start, end: this.pos };
  }

  private variable(): Token {
    const start = this.pos;
    if (!isIdentifierStart(this.source[start + 1])) {
      throw new FilterError("expected a variable name after '@'", start + 1);
    }
    const path = this.path(start + 1);
    return { kind: 'variable', path, start, end: this.pos };
  }

  private param(): Token {
    const start = this.pos;
    const match = matchAt(PARAM, this.source, start);
    if (!match) throw new FilterError("malformed parameter, expected '{:name}'", start);
    this.pos = match.end;
    return { kind: 'param', name: match.groups[0], start, end: this.pos };
  }

  /** A dotted path is one token: `author.name`, never `author . name`. */
  private path(from: number): string[] {
    const path: string[] = [];
    let pos = from;
    for (;;) {
      const segment = matchAt(IDENTIFIER, this.source, pos);
      if (!segment) throw new FilterError("expected a field name after '.'", pos);
      path.push(segment.text);
      pos = segment.end;
      if (this.source[pos] !== '.') break;
      pos += 1;
    }
    this.pos = pos;
    return path;
  }

  private symbol(): Token {
    const start = this.pos;
    const symbol = SYMBOLS.find((candidate) => this.source.startsWith(candidate, start));
    if (symbol === undefined) {
      throw new FilterError(`unexpected character '${String.fromCodePoint(this.source.codePointAt(start)!)}'`, start);
    }
    this.pos = start + symbol.length;
    const end = this.pos;
    return isPunctuation(symbol)
      ? { kind: symbol, start, end }
      : { kind: 'op', op: symbol as CompareOp, start, end };
  }
}

interface Match {
  readonly text: string;
  readonly end: number;
  readonly groups: string[];
}

/** Matches a sticky regex exactly at `pos`. */
function matchAt(pattern: RegExp, source: string, pos: number): Match | null {
  pattern.lastIndex = pos;
  const match = pattern.exec(source);
  if (!match) return null;
  return { text: match[0], end: pos + match[0].length, groups: match.slice(1) };
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isIdentifierStart(char: string | undefined): boolean {
  return char !== undefined && /[a-zA-Z_]/.test(char);
}

function isPunctuation(symbol: string): symbol is Punctuation {
  return (PUNCTUATION as readonly string[]).includes(symbol);
}
