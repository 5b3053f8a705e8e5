import { FilterError } from './errors';

export interface FilterLimits {
  /** Maximum source size in UTF-8 bytes. */
  readonly maxLength: number;
  /** Maximum nesting of parentheses and `!` taken together. */
  readonly maxDepth: number;
  readonly maxComparisons: number;
}

export type FilterOptions = Partial<FilterLimits>;

export const DEFAULT_FILTER_LIMITS: FilterLimits = Object.freeze({
  maxLength: 4096,
  maxDepth: 20,
  maxComparisons: 50,
});

export function resolveLimits(options: FilterOptions = {}): FilterLimits {
  return { ...DEFAULT_FILTER_LIMITS, ...options };
}

/**
 * Throws at the first character that pushes the UTF-8 size past `maxBytes`. Every UTF-16 code
 * unit is at least one byte, so this reads at most `maxBytes + 1` units of even a huge input.
 * Counted by hand rather than with TextEncoder or Buffer so it runs the same in Node, browsers
 * and React Native without encoding the whole string.
 */
export function assertWithinByteLength(source: string, maxBytes: number): void {
  let bytes = 0;
  for (let i = 0; i < source.length; i++) {
    const unit = source.charCodeAt(i);
    const startsPair = isHighSurrogate(unit) && isLowSurrogate(source.charCodeAt(i + 1));
    bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : startsPair ? 4 : 3;
    if (bytes > maxBytes) throw new FilterError(`filter is longer than ${maxBytes} bytes`, i);
    if (startsPair) i++;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
