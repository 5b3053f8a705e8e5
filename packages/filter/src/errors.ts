/**
 * The one error this package throws. `position` is a 0-based offset into the source string
 * (UTF-16 code units, like `String.prototype.slice`), so the server can put it in
 * `details.position` of an `invalid_filter` response and the dashboard can place a caret there.
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';

  constructor(
    reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}
