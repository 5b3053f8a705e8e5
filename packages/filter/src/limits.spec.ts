import { FilterError } from './errors';
import { DEFAULT_FILTER_LIMITS } from './limits';
import { parseFilter } from './parser';

const comparisons = (count: number) => Array.from({ length: count }, (_, i) => `f${i} = ${i}`).join(' && ');

/** Runs `fn`, expecting a FilterError, and returns it with the elapsed time. */
function timedError(fn: () => unknown): { error: FilterError; ms: number } {
  const started = performance.now();
  try {
    fn();
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof FilterError) return { error, ms };
    throw error;
  }
  throw new Error('expected a FilterError');
}

describe('parseFilter limits', () => {
  it('defaults to 4096 bytes, depth 20 and 50 comparisons', () => {
    expect(DEFAULT_FILTER_LIMITS).toEqual({ maxLength: 4096, maxDepth: 20, maxComparisons: 50 });
  });

  describe('length', () => {
    it('accepts a source of exactly 4096 bytes', () => {
      const source = `s = '${'x'.repeat(4096 - 6)}'`;
      expect(source).toHaveLength(4096);
      expect(parseFilter(source)).toMatchObject({ type: 'compare' });
    });

    it('rejects 4097 bytes at the first byte past the limit', () => {
      const { error } = timedError(() => parseFilter(`s = '${'x'.repeat(4097 - 6)}'`));
      expect(error.message).toBe('filter is longer than 4096 bytes at position 4096');
    });

    it('counts UTF-8 bytes, not characters', () => {
      const fits = `s = '${'é'.repeat(2045)}'`; // 6 + 2 * 2045 = 4096 bytes
      expect(parseFilter(fits)).toMatchObject({ type: 'compare' });
      const { error } = timedError(() => parseFilter(`s = '${'😀'.repeat(1023)}'`)); // 6 + 4 * 1023 = 4098 bytes
      expect(error.message).toMatch(/^filter is longer than 4096 bytes/);
      expect(error.position).toBe(5 + 2 * 1022);
    });

    it('rejects whitespace past the limit too', () => {
      expect(() => parseFilter(' '.repeat(4097))).toThrow(FilterError);
    });

    it('rejects a 1 MB input fast, before lexing it', () => {
      const source = `title = '${'a'.repeat(1024 * 1024)}'`;
      const { error, ms } = timedError(() => parseFilter(source));
      expect(error.position).toBe(4096);
      expect(ms).toBeLessThan(100);
    });

    it('honours a custom maxLength', () => {
      expect(() => parseFilter('a = 1', { maxLength: 4 })).toThrow(new FilterError('filter is longer than 4 bytes', 4));
      expect(parseFilter('a = 1', { maxLength: 5 })).not.toBeNull();
    });
  });

  describe('depth', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a = 1${')'.repeat(depth)}`;
    const negated = (depth: number) => `${'!'.repeat(depth)}a = 1`;

    it('accepts 20 levels of parentheses and rejects 21 at the 21st', () => {
      expect(parseFilter(nested(20))).toMatchObject({ type: 'compare' });
      const { error } = timedError(() => parseFilter(nested(21)));
      expect(error.message).toBe('filter is nested deeper than 20 levels at position 20');
    });

    it('counts ! like a level', () => {
      expect(parseFilter(negated(20))).toMatchObject({ type: 'not' });
      expect(timedError(() => parseFilter(negated(21))).error.position).toBe(20);
      expect(parseFilter(`${'!('.repeat(10)}a = 1${')'.repeat(10)}`)).toMatchObject({ type: 'not' });
      expect(timedError(() => parseFilter(`${'!('.repeat(10)}!a = 1${')'.repeat(10)}`)).error.position).toBe(20);
    });

    it('measures nesting, not the number of groups side by side', () => {
      const siblings = Array.from({ length: 30 }, (_, i) => `(!f${i} = 1)`).join(' || ');
      expect(parseFilter(siblings)).toMatchObject({ type: 'or' });
    });

    it('rejects 10 000 nested parentheses fast, without deep recursion', () => {
      const { error, ms } = timedError(() => parseFilter(nested(10_000), { maxLength: 1_000_000 }));
      expect(error.position).toBe(20);
      expect(ms).toBeLessThan(100);
    });

    it('rejects 10 000 negations fast', () => {
      const { error, ms } = timedError(() => parseFilter(negated(10_000), { maxLength: 1_000_000 }));
      expect(error.position).toBe(20);
      expect(ms).toBeLessThan(100);
    });

    it('honours a custom maxDepth', () => {
      expect(() => parseFilter('(a = 1)', { maxDepth: 0 })).toThrow(new FilterError('filter is nested deeper than 0 levels', 0));
    });
  });

  describe('comparisons', () => {
    it('accepts 50 comparisons and rejects the 51st where it starts', () => {
      expect(parseFilter(comparisons(50))).toMatchObject({ type: 'and' });
      const source = comparisons(51);
      const { error } = timedError(() => parseFilter(source));
      expect(error.message).toBe(`filter has more than 50 comparisons at position ${source.indexOf('f50')}`);
    });

    it('counts comparisons inside groups and negations', () => {
      expect(() => parseFilter(`(${comparisons(25)}) || !(${comparisons(26)})`)).toThrow(/more than 50 comparisons/);
    });

    it('honours a custom maxComparisons', () => {
      expect(() => parseFilter('a = 1 || b = 2', { maxComparisons: 1 })).toThrow(FilterError);
    });

    it('rejects a huge flat chain fast when the length limit is raised', () => {
      const { error, ms } = timedError(() => parseFilter(comparisons(100_000), { maxLength: 10_000_000 }));
      expect(error.message).toMatch(/more than 50 comparisons/);
      expect(ms).toBeLessThan(100);
    });
  });
});
