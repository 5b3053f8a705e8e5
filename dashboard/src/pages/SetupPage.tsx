import { useEffect, useState, type FormEvent } from 'react';
import type { AdminAuthResponse, AdminSetupRequest, AdminSetupStatus } from '@basalt/contracts';
import { ApiError, request } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Field } from '../components/Field';
import { Link } from '../router';

/** First run: the server prints a one-time link to this page with a token; it creates the first admin. */
export function SetupPage({ token, onSignedIn }: { token: string; onSignedIn(response: AdminAuthResponse): void }) {
  const [status, setStatus] = useState<AdminSetupStatus>();
  const [loadError, setLoadError] = useState<unknown>();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    request<AdminSetupStatus>('GET', '/api/admin/setup').then(setStatus, setLoadError);
  }, []);

  const details = error instanceof ApiError ? error.details : {};
  const mismatch = confirm !== '' && confirm !== password;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: AdminSetupRequest = { token, email, password };
      onSignedIn(await request<AdminAuthResponse>('POST', '/api/admin/setup', { body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  let content;
  if (loadError) content = <ErrorNotice error={loadError} />;
  else if (!status) content = <p className="muted">Loading…</p>;
  else if (!status.setupRequired) {
    content = (
      <>
        <p>An admin account already exists, so this setup link can no longer be used.</p>
        <Link to="/" className="button">Go to sign in</Link>
      </>
    );
  } else if (!token) {
    content = (
      <div className="notice notice-error" role="alert">
        This page needs the one-time setup link that the server printed when it started (it ends with <code>?token=…</code>).
      </div>
    );
  } else {
    content = (
      <form onSubmit={submit}>
        <p className="muted">Create the first admin account. You will be signed in right away.</p>
        <ErrorNotice error={error} />
        <Field label="Email" htmlFor="setup-email" error={details.email}>
          <input id="setup-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password" htmlFor="setup-password" error={details.password}>
          <input id="setup-password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label="Confirm password" htmlFor="setup-confirm" error={mismatch ? 'The passwords do not match' : undefined}>
          <input id="setup-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
        <button type="submit" className="wide" disabled={busy || mismatch}>{busy ? 'Creating…' : 'Create admin and sign in'}</button>
      </form>
    );
  }

  return (
    <div className="auth-screen">
      <div className="card narrow">
        <div className="brand brand-large"><span className="brand-mark" aria-hidden="true">◆</span> Basalt</div>
        <h1>Set up Basalt</h1>
        {content}
      </div>
    </div>
  );
}
