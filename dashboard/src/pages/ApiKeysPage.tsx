import { useState } from 'react';
import type { ApiKey, CreatedApiKey, ListResponse } from '@basalt/contracts';
import { request } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { useRowAction } from '../useRowAction';
import { CreateKeyForm } from './keys/CreateKeyForm';
import { NewKeySecret } from './keys/NewKeySecret';

export function ApiKeysPage() {
  const keys = useApi<ListResponse<ApiKey>>('/api/admin/keys');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const revoke = useRowAction(async (key: ApiKey) => {
    await request<void>('DELETE', `/api/admin/keys/${encodeURIComponent(key.id)}`);
    return `API key "${key.name}" revoked`;
  }, keys.reload);

  return (
    <>
      <PageHeader
        title="API keys"
        description="Server-side credentials sent as the X-Api-Key header. Scopes limit what each key may do."
        actions={!creating && <button type="button" onClick={() => { setCreated(null); setCreating(true); }}>New API key</button>}
      />
      {created && <NewKeySecret apiKey={created} onDone={() => setCreated(null)} />}
      {creating && (
        <CreateKeyForm
          onCancel={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
            keys.reload();
          }}
        />
      )}
      <section className="card">
        <ErrorNotice error={keys.error} />
        {keys.data && keys.data.items.length === 0 && <p className="empty">No API keys yet.</p>}
        {keys.data && keys.data.items.length > 0 && (
          <table className="table" aria-label="API keys">
            <thead>
              <tr><th>Name</th><th>Key</th><th>Scopes</th><th>Expires</th><th>Last used</th><th>Created</th><th /></tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <td className="strong">{key.name}</td>
                  <td><code>{key.prefix}…</code></td>
                  <td>{key.scopes.map((s) => <span key={s} className="chip">{s}</span>)}</td>
                  <td>{key.expiresAt ? formatDate(key.expiresAt) : 'Never'}</td>
                  <td>{formatDate(key.lastUsedAt)}</td>
                  <td>{formatDate(key.createdAt)}</td>
                  <td className="row-actions">
                    <ConfirmButton
                      label="Revoke"
                      question="Revoke this key?"
                      confirmLabel="Yes, revoke"
                      busy={revoke.busyId === key.id}
                      onConfirm={() => void revoke.run(key)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
