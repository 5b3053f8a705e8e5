import { bindParams, FilterError } from '@basalt/filter';
import { BasaltError } from './errors';

export type FilterParamValue = string | number | boolean | null | Date;

/**
 * `basalt.filter('title ~ {:q}', { q })`: the filter language's own binder (bundled from
 * @basalt/filter), so a value always stays one quoted literal and can never change the expression.
 * A template that does not parse, or a missing or unusable value, is an `invalid_filter` BasaltError
 * with `details.position`, the same code the server would answer.
 */
export function filter(expr: string, params: Readonly<Record<string, FilterParamValue>> = {}): string {
  try {
    return bindParams(expr, params);
  } catch (e) {
    if (e instanceof FilterError) throw new BasaltError(400, 'invalid_filter', e.message, { position: String(e.position) });
    throw e;
  }
}
