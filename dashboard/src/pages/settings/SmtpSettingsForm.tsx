import { useState, type FormEvent } from 'react';
import { MASKED_SECRET, type SmtpSettings } from '@basalt/contracts';
import { ApiError } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { fieldError, type SaveSettings } from '../SettingsPage';

/**
 * The SMTP URL holds the password, so the server may return it masked. A masked value is never
 * sent back: the URL is sent only when the admin typed a new one.
 */
export function SmtpSettingsForm({ smtp, save }: { smtp: SmtpSettings | null; save: SaveSettings }) {
  const toast = useToast();
  const urlMasked = smtp?.url === MASKED_SECRET;
  const [url, setUrl] = useState(urlMasked ? '' : (smtp?.url ?? ''));
  const [from, setFrom] = useState(smtp?.from ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const details = error instanceof ApiError ? error.details : {};

  async function run(patch: Partial<SmtpSettings> | null, done: string) {
    setBusy(true);
    setError(undefined);
    try {
      await save({ smtp: patch });
      toast.success(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Partial<SmtpSettings> = {};
    if (url.trim() !== '' && url !== smtp?.url) patch.url = url.trim();
    if (from !== (smtp?.from ?? '')) patch.from = from.trim();
    if (Object.keys(patch).length === 0) {
      toast.success('Nothing to save: the SMTP settings are unchanged');
      return;
    }
    void run(patch, 'SMTP settings saved');
  }

  return (
    <form className="card" onSubmit={submit} aria-label="SMTP settings">
      <h2>Outgoing mail (SMTP)</h2>
      <p className="muted">
        {smtp
          ? 'Mail is sent through this SMTP server.'
          : 'No SMTP server is set: mail is kept in the outbox, which you can read on the Mail page.'}
      </p>
      <ErrorNotice error={error} />
      <Field
        label="SMTP URL"
        htmlFor="smtp-url"
        hint={urlMasked ? 'A URL is stored and hidden. Leave empty to keep it, or type a new one to replace it.' : 'smtp://user:password@host:587 (smtps:// for TLS).'}
        error={fieldError(details, 'smtp', 'url')}
      >
        <input
          id="smtp-url"
          type={urlMasked ? 'password' : 'text'}
          autoComplete="off"
          placeholder={urlMasked ? MASKED_SECRET : 'smtp://user:password@mail.example.com:587'}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
      <Field label="From address" htmlFor="smtp-from" hint="e.g. My App <no-reply@example.com>" error={fieldError(details, 'smtp', 'from')}>
        <input id="smtp-from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save SMTP settings'}</button>
        {smtp && (
          <ConfirmButton
            label="Use the outbox instead"
            question="Forget the SMTP server?"
            confirmLabel="Yes, use the outbox"
            busy={busy}
            onConfirm={() => void run(null, 'SMTP removed: mail now goes to the outbox')}
          />
        )}
      </div>
    </form>
  );
}
