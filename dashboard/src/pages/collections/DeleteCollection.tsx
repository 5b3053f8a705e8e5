import { useState } from 'react';
import type { Collection } from '@basalt/contracts';
import { request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { useSubmit } from '../../useSubmit';

/** Deleting drops the table and every record, so the admin types the collection's name first. */
export function DeleteCollection({ collection, onDeleted }: { collection: Collection; onDeleted(): void }) {
  const toast = useToast();
  const submit = useSubmit();
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState('');

  if (collection.kind === 'auth') {
    return (
      <section className="card" aria-label="Delete collection">
        <h2>Delete collection</h2>
        <p className="muted">The {collection.name} collection is built in: it cannot be renamed or deleted.</p>
      </section>
    );
  }

  async function remove() {
    const done = await submit.run(async () => {
      await request<void>('DELETE', `/api/collections/${encodeURIComponent(collection.name)}`);
      return true;
    });
    if (done) {
      toast.success(`Collection ${collection.name} deleted`);
      onDeleted();
    }
  }

  return (
    <section className="card card-danger" aria-label="Delete collection">
      <h2>Delete collection</h2>
      <p className="muted">Deleting drops the collection’s table: every record in it is gone for good.</p>
      <ErrorNotice error={submit.error} />
      {!asking ? (
        <button type="button" className="danger" onClick={() => setAsking(true)}>Delete collection…</button>
      ) : (
        <div className="inline-form">
          <Field label={`Type “${collection.name}” to confirm`} htmlFor="delete-collection-name">
            <input id="delete-collection-name" className="mono" autoComplete="off" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} />
          </Field>
          <button type="button" className="danger-solid" disabled={typed !== collection.name || submit.busy} onClick={() => void remove()}>
            {submit.busy ? 'Deleting…' : `Delete ${collection.name} forever`}
          </button>
          <button type="button" className="secondary" onClick={() => { setAsking(false); setTyped(''); }}>Cancel</button>
        </div>
      )}
    </section>
  );
}
