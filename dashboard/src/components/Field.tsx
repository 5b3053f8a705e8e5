import type { ReactNode } from 'react';

/** A labelled form control with its hint and the server's validation message for it. */
export function Field({ label, htmlFor, hint, error, children }: {
  label: string;
  htmlFor: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && !error && <div className="hint">{hint}</div>}
      {error && <div className="field-error" id={`${htmlFor}-error`}>{error}</div>}
    </div>
  );
}
