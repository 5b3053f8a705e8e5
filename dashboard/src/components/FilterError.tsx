import { toApiErrorLike } from '../api';

/**
 * An `invalid_filter` answer under the input that caused it: the message, and the expression with a
 * caret at `details.position` (a 0-based character offset) so the admin sees where it went wrong.
 */
export function FilterError({ id, error, expression }: { id: string; error: unknown; expression: string }) {
  const e = toApiErrorLike(error);
  const position = Number(e.details.position);
  const located = e.details.position !== undefined && Number.isInteger(position) && position >= 0 && position <= expression.length;
  return (
    <div className="field-error" id={id} role="alert">
      <div>
        {e.message}
        {located && !e.message.includes(String(position)) && ` (at character ${position})`}
      </div>
      {located && (
        <pre className="filter-caret" aria-hidden="true">
          {expression}
          {'\n'}
          {' '.repeat(position)}^
        </pre>
      )}
    </div>
  );
}
