import { useEffect, useState, type FormEvent } from 'react';
import type { AdminAuthResponse, AdminSetupStatus } from '@basalt/contracts';
import { request } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';

export function LoginPage({ onSignedIn }: { onSignedIn(response: AdminAuthResponse): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [setupRequired, setSetupRequired] = useState(false);

  useEffect(() => {
    request<AdminSetupStatus>('GET', '/api/admin/setup')
      .then((status) => setSetupRequired(status.setupRequired))
      .catch(() => undefined);
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await request<AdminAuthResponse>('POST', '/api/admin/auth', { body: { email, password } }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="auth-screen">
      <form className="card narrow" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large"><span className="brand-mark" aria-hidden="true">◆</span> Basalt</div>
        <h1 id="login-title">Sign in</h1>
        {setupRequired && (
          <div className="notice notice-info">
            No admin account exists yet. Open the one-time setup link that the server printed when it started.
          </div>
        )}
        <ErrorNotice error={error} />
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="wide" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  );
}
