import { FilterError } from './errors';
import { parseFilter } from './parser';

function parseError(source: string): FilterError {
  try {
    parseFilter(source);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
}

describe('parseFilter syntax errors', () => {
  it.each([
    // source, position, message
    ['title', 5, 'expected an operator but found end of input at position 5'],
    ['title "x"', 6, `expected an operator but found '"x"' at position 6`],
    ['a = 1 && published', 18, 'expected an operator but found end of input at position 18'],
    ['title =', 7, 'expected a field or value but found end of input at position 7'],
    ['a = 1 &&', 8, 'expected a field or value but found end of input at position 8'],
    ['a = 1 || || b = 2', 9, "expected a field or value but found '||' at position 9"],
    ['= 1', 0, "expected a field or value but found '=' at position 0"],
    ['a = = 1', 4, "expected a field or value but found '=' at position 4"],
    ['a == 1', 3, "expected a field or value but found '=' at position 3"],
    ['a = 1 b = 2', 6, "expected '&&', '||' or end of input but found 'b' at position 6"],
    ['a = 1)', 5, "expected '&&', '||' or end of input but found ')' at position 5"],
    ['(a = 1', 6, "expected ')' for the '(' at position 0 but found end of input at position 6"],
    ['a = 1 && (b = 2 || (c = 3)', 26, "expected ')' for the '(' at position 9 but found end of input at position 26"],
    ['()', 1, "expected a field or value but found ')' at position 1"],
    ['(a) = 1', 2, "expected an operator but found ')' at position 2"],
    ['a = (1)', 4, "expected a field or value but found '(' at position 4"],
    ['!', 1, 'expected a field or value but found end of input at position 1'],
    ['a ! = 1', 2, "expected an operator but found '!' at position 2"],
    ['title = "abc', 8, 'unterminated string at position 8'],
    ["title = 'abc\\'", 8, 'unterminated string at position 8'],
    ["title = 'abc\\", 8, 'unterminated string at position 8'],
    ["title = 'a\\qb'", 10, "unknown escape '\\q' at position 10"],
    ['a # 1', 2, "unexpected character '#' at position 2"],
    ['a = 1 & b = 2', 6, "unexpected character '&' at position 6"],
    ['a = 1 | b = 2', 6, "unexpected character '|' at position 6"],
    ['a ? 1', 2, "unexpected character '?' at position 2"],
    ['a = 😀', 4, "unexpected character '😀' at position 4"],
    ['a = -b', 4, "unexpected character '-' at position 4"],
    ['a = 1.', 4, 'malformed number at position 4'],
    ['a = 1.2.3', 4, 'malformed number at position 4'],
    ['a = 1e', 4, 'malformed number at position 4'],
    ['a = 12abc', 4, 'malformed number at position 4'],
    ['a = 1e999', 4, 'number out of range at position 4'],
    ['author. name = 1', 7, "expected a field name after '.' at position 7"],
    ['author.name. = 1', 12, "expected a field name after '.' at position 12"],
    ['null.x = 1', 0, "'null' is a keyword and cannot start a field path at position 0"],
    ['a = @', 5, "expected a variable name after '@' at position 5"],
    ['a = @today', 4, "unknown variable '@today' at position 4"],
    ['a = @now.x', 4, "unknown variable '@now.x' at position 4"],
    ['a = @request.auth', 4, "unknown variable '@request.auth' at position 4"],
    ['a = @request.query.x', 4, "unknown variable '@request.query.x' at position 4"],
    ['a = {q}', 4, "malformed parameter, expected '{:name}' at position 4"],
    ['a = {:1q}', 4, "malformed parameter, expected '{:name}' at position 4"],
    ['a = { :q }', 4, "malformed parameter, expected '{:name}' at position 4"],
  ])('rejects %j at position %d', (source, position, message) => {
    const error = parseError(source);
    expect(error).toBeInstanceOf(FilterError);
    expect(error.name).toBe('FilterError');
    expect(error.position).toBe(position);
    expect(error.message).toBe(message);
  });

  it('shortens a long token in the message', () => {
    expect(parseError(`a = 1 ${'x'.repeat(50)}`).message).toBe(
      `expected '&&', '||' or end of input but found '${'x'.repeat(20)}…' at position 6`,
    );
  });

  it('rejects a source that is not a string', () => {
    expect(() => parseFilter(['a = 1'] as unknown as string)).toThrow(new FilterError('filter must be a string', 0));
  });
});
