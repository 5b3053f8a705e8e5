import { useState, type FormEvent } from 'react';
import { API_KEY_SCOPES, type ApiKeyScope, type CreateApiKeyRequest, type CreatedApiKey } from '@basalt/contracts';
import { ApiError, request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  'records:read': 'read records of every collection',
  'records:write': 'create, update and delete records',
  'schema:write': 'change collections and buckets',
  'files:read': 'download files',
  'files:write': 'upload and delete files',
  'users:manage': 'manage users',
  'push:send': 'send push notifications',
  '*': 'everything above',
};

export function CreateKeyForm({ onCreated, onCancel }: { onCreated(key: CreatedApiKey): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [expiresAt, setExpiresAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const details = error instanceof ApiError ? error.details : {};

  function toggle(scope: ApiKeyScope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body: CreateApiKeyRequest = { name: name.trim(), scopes: API_KEY_SCOPES.filter((s) => scopes.includes(s)) };
    // datetime-local is the admin's local time; the server stores UTC.
    if (expiresAt) body.expiresAt = new Date(expiresAt).toISOString();
    try {
      onCreated(await request<CreatedApiKey>('POST', '/api/admin/keys', { body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="New API key">
      <h2>New API key</h2>
      <ErrorNotice error={error} />
      <Field label="Name" htmlFor="key-name" hint="For you to recognise the key, e.g. “billing worker”." error={details.name}>
        <input id="key-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <fieldset className={details.scopes ? 'field has-error' : 'field'}>
        <legend>Scopes</legend>
        <div className="checkbox-grid">
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope} className="checkbox">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
              <code>{scope}</code> <span className="muted">{SCOPE_HINTS[scope]}</span>
            </label>
          ))}
        </div>
        {details.scopes && <div className="field-error">{details.scopes}</div>}
      </fieldset>
      <Field label="Expires at (optional)" htmlFor="key-expires" hint="Leave empty for a key that does not expire." error={details.expiresAt}>
        <input id="key-expires" type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy || scopes.length === 0}>{busy ? 'Creating…' : 'Create key'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
