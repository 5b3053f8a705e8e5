import { useState } from 'react';

/** A destructive action that asks once more, inline, before it runs. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, busy }: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm(): void;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger small" onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="confirm-question">{question}</span>
      <button type="button" className="danger small" disabled={busy} onClick={() => { setAsking(false); onConfirm(); }}>
        {confirmLabel}
      </button>
      <button type="button" className="secondary small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
