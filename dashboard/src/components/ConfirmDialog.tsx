import { useEffect, useId, useRef, type ReactNode } from 'react';

/** A modal question before something that cannot be undone; Escape or Cancel closes it. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy }: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  busy?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="actions">
        <button type="button" className="danger-solid" disabled={busy} onClick={onConfirm}>{confirmLabel}</button>
        <button type="button" className="secondary" autoFocus onClick={onCancel}>Cancel</button>
      </div>
    </dialog>
  );
}
