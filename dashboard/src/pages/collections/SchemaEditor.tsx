import { useState, type FormEvent } from 'react';
import type { Collection, UpdateCollectionRequest } from '@basalt/contracts';
import { ApiError, request } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { useSubmit } from '../../useSubmit';
import { FieldList } from './FieldList';
import { IndexesEditor } from './IndexesEditor';
import { RulesEditor } from './RulesEditor';
import { placeErrors, riskyChanges, toDraft, toRequest, type SchemaDraft } from './schemaDraft';

const PLACEABLE = /^(name|fields|indexes|field:.*|index:.*|rules\.(list|view|create|update|delete))$/;

/**
 * A collection's whole schema in one form. Saving sends the whole field list: existing fields keep
 * their id (so a new name is a rename), new ones have none, and left-out ones are deleted.
 */
export function SchemaEditor({ collection, collections, onSaved, onCancel }: {
  /** Undefined for a new collection. */
  collection?: Collection;
  collections: Collection[];
  onSaved(saved: Collection): void;
  onCancel?(): void;
}) {
  const toast = useToast();
  const submit = useSubmit();
  const [draft, setDraft] = useState<SchemaDraft>(() => toDraft(collection));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  /** The draft as last sent: the server's problems are placed against it. */
  const [sent, setSent] = useState<SchemaDraft>();
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const isNew = !collection;
  const builtIn = collection?.kind === 'auth';

  const serverError = submit.error instanceof ApiError ? submit.error : undefined;
  const rule = serverError?.code === 'invalid_filter' ? serverError.details.rule : undefined;
  const ruleError = rule && sent ? { rule, error: serverError, expression: sent.rules[rule as keyof SchemaDraft['rules']]?.expression.trim() ?? '' } : undefined;
  const errors = { ...localErrors, ...(sent && serverError?.code === 'validation_failed' ? placeErrors(serverError.details, sent) : {}) };
  const placedOnly = Boolean(ruleError) || (serverError?.code === 'validation_failed' && Object.keys(serverError.details).length > 0);
  /** Problems with no input of their own (e.g. `rules`): listed in the notice instead. */
  const unplaced = Object.entries(errors).filter(([key]) => !PLACEABLE.test(key));

  function save(e: FormEvent) {
    e.preventDefault();
    const { problems } = toRequest(draft);
    setLocalErrors(placeErrors(problems, draft));
    if (Object.keys(problems).length > 0) {
      submit.clear();
      return;
    }
    const risky = riskyChanges(collection, draft);
    if (risky.length > 0) setConfirming(risky);
    else void send();
  }

  async function send() {
    setConfirming(null);
    setSent(draft);
    const { body } = toRequest(draft);
    const saved = await submit.run(() => {
      if (!collection) return request<Collection>('POST', '/api/collections', { body });
      const patch: UpdateCollectionRequest = { fields: body.fields, indexes: body.indexes, rules: body.rules };
      if (!builtIn) patch.name = body.name;
      return request<Collection>('PATCH', `/api/collections/${encodeURIComponent(collection.name)}`, { body: patch });
    });
    if (!saved) return;
    setSent(undefined);
    setDraft(toDraft(saved));
    toast.success(isNew ? `Collection ${saved.name} created` : `Collection ${saved.name} saved`);
    onSaved(saved);
  }

  const fieldNames = draft.fields.map((f) => f.name.trim()).filter(Boolean);
  return (
    <form onSubmit={save} aria-label={isNew ? 'New collection' : `Schema of ${collection.name}`} noValidate>
      <section className="card">
        <h2>{isNew ? 'New collection' : 'Collection'}</h2>
        {placedOnly ? (
          <div className="notice notice-error" role="alert">
            Could not save: {serverError?.message}.{' '}
            {unplaced.length > 0 ? unplaced.map(([key, message]) => `${key}: ${message}`).join('; ') : 'Every problem is marked below.'}
          </div>
        ) : (
          <ErrorNotice error={submit.error} />
        )}
        <div className="field-row">
          <Field
            label="Collection name"
            htmlFor="collection-name"
            hint={builtIn ? 'Built in: cannot be renamed.' : 'Lowercase letters, digits and _; it is the URL of its records.'}
            error={errors.name}
          >
            <input id="collection-name" className="mono" disabled={builtIn} autoComplete="off" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </Field>
        </div>
      </section>

      <section className="card" aria-label="Fields">
        <h2>Fields</h2>
        <FieldList fields={draft.fields} errors={errors} collections={collections} onChange={(fields) => setDraft({ ...draft, fields })} />
      </section>

      <section className="card" aria-label="Indexes">
        <h2>Indexes</h2>
        <IndexesEditor indexes={draft.indexes} fieldNames={fieldNames} errors={errors} onChange={(indexes) => setDraft({ ...draft, indexes })} />
      </section>

      <section className="card" aria-label="API rules">
        <h2>API rules</h2>
        <p className="muted">
          Who may list, view, create, update and delete records through the API. Admins and API keys always may. An expression
          uses the filter language, e.g. <code>author = @request.auth.id</code>.
        </p>
        <RulesEditor rules={draft.rules} errors={errors} ruleError={ruleError} onChange={(rules) => setDraft({ ...draft, rules })} />
      </section>

      <div className="save-bar">
        <button type="submit" disabled={submit.busy}>{submit.busy ? 'Saving…' : isNew ? 'Create collection' : 'Save changes'}</button>
        {onCancel && <button type="button" className="secondary" onClick={onCancel}>Cancel</button>}
        {!isNew && (
          <button type="button" className="secondary" onClick={() => { setDraft(toDraft(collection)); setLocalErrors({}); submit.clear(); }}>
            Discard changes
          </button>
        )}
      </div>

      {confirming && (
        <ConfirmDialog title="Save these changes?" confirmLabel="Save anyway" onConfirm={() => void send()} onCancel={() => setConfirming(null)}>
          <ul className="change-list">{confirming.map((c) => <li key={c}>{c}</li>)}</ul>
          <p className="muted">Deleted fields cannot be brought back.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
