import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';

export function TestMailForm({ onSent }: { onSent(): void }) {
  const toast = useToast();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const details = error instanceof ApiError ? error.details : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await request<void>('POST', '/api/admin/mail/test', { body: { to: to.trim() } });
      toast.success(`Test email to ${to.trim()} queued`);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Send a test email">
      <h2>Send a test email</h2>
      <ErrorNotice error={error} />
      <div className="inline-form">
        <Field label="To" htmlFor="test-mail-to" error={details.to}>
          <input id="test-mail-to" type="email" required placeholder="you@example.com" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send test email'}</button>
      </div>
    </form>
  );
}
