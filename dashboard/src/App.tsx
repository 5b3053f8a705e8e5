import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Admin, AdminAuthResponse } from '@basalt/contracts';
import { getToken, onUnauthorized, request, setToken } from './api';
import { ErrorNotice } from './components/ErrorNotice';
import { Layout } from './components/Layout';
import { useToast } from './components/Toasts';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SetupPage } from './pages/SetupPage';
import { matchPage } from './routes';
import { navigate, useLocation } from './router';
import { SessionContext, type Session } from './session';

type AuthState = { kind: 'checking' } | { kind: 'signedOut' } | { kind: 'failed'; error: unknown } | { kind: 'signedIn'; admin: Admin };

export function App() {
  const location = useLocation();
  const toast = useToast();
  const [auth, setAuth] = useState<AuthState>(() => (getToken() ? { kind: 'checking' } : { kind: 'signedOut' }));

  const loadMe = useCallback(() => {
    setAuth({ kind: 'checking' });
    request<Admin>('GET', '/api/admin/me')
      .then((admin) => setAuth({ kind: 'signedIn', admin }))
      .catch((error: unknown) => {
        // A 401 is handled by the onUnauthorized listener below.
        if (getToken()) setAuth({ kind: 'failed', error });
      });
  }, []);

  useEffect(() => {
    if (getToken()) loadMe();
  }, [loadMe]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setAuth({ kind: 'signedOut' });
        toast.error(new Error('Your session has ended. Please sign in again.'));
      }),
    [toast],
  );

  const signIn = useCallback((response: AdminAuthResponse) => {
    setToken(response.token);
    setAuth({ kind: 'signedIn', admin: response.admin });
  }, []);

  const signOut = useCallback(() => {
    setToken(null);
    setAuth({ kind: 'signedOut' });
    navigate('/', { replace: true });
  }, []);

  const session = useMemo<Session | null>(() => (auth.kind === 'signedIn' ? { admin: auth.admin, signOut } : null), [auth, signOut]);

  if (location.path === '/setup') {
    return (
      <SetupPage
        token={location.query.get('token') ?? ''}
        onSignedIn={(response) => {
          signIn(response);
          navigate('/', { replace: true });
        }}
      />
    );
  }
  if (auth.kind === 'checking') return <div className="splash">Loading…</div>;
  if (auth.kind === 'signedOut') return <LoginPage onSignedIn={signIn} />;
  if (auth.kind === 'failed') {
    return (
      <div className="splash">
        <div className="card narrow">
          <h1>Cannot load the dashboard</h1>
          <ErrorNotice error={auth.error} />
          <div className="actions">
            <button type="button" onClick={loadMe}>Try again</button>
            <button type="button" className="secondary" onClick={signOut}>Sign out</button>
          </div>
        </div>
      </div>
    );
  }

  const match = matchPage(location.path);
  const Page = match?.page.component;
  return (
    <SessionContext.Provider value={session}>
      <Layout current={match?.page.segment}>
        {Page ? <Page key={match.page.segment} params={match.params} query={location.query} /> : <NotFoundPage />}
      </Layout>
    </SessionContext.Provider>
  );
}
