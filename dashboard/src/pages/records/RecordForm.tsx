import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { BaseRecord, Collection, Field as SchemaField } from '@basalt/contracts';
import { ApiError, request, requestWithEtag } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useToast } from '../../components/Toasts';
import { formatDate } from '../../format';
import { useSubmit } from '../../useSubmit';
import { RecordInput } from './RecordInput';
import { fromFormValue, isEmptyValue, toFormValue, type FormValue } from './recordValues';

type Values = Record<string, FormValue>;

const formValues = (c: Collection, record?: BaseRecord): Values =>
  Object.fromEntries(c.fields.map((f) => [f.name, toFormValue(f, record ? record[f.name] : f.default)]));

/**
 * A record's form, generated from the schema. Editing loads the record with its ETag and sends it
 * back as If-Match, so a change made meanwhile by someone else is a 409 instead of being overwritten.
 */
export function RecordForm({ collection, collections, recordId, onSaved, onClose }: {
  collection: Collection;
  collections: Collection[];
  /** Undefined for a new record. */
  recordId?: string;
  onSaved(record: BaseRecord): void;
  onClose(): void;
}) {
  const toast = useToast();
  const submit = useSubmit();
  const { clear } = submit;
  const path = `/api/collections/${encodeURIComponent(collection.name)}/records`;
  const [initial, setInitial] = useState<Values>(() => formValues(collection));
  const [values, setValues] = useState<Values>(initial);
  const [loaded, setLoaded] = useState<{ record: BaseRecord; etag: string | null }>();
  const [loadError, setLoadError] = useState<unknown>();
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [stale, setStale] = useState(false);

  const load = useCallback(async () => {
    if (!recordId) return;
    try {
      const { body, etag } = await requestWithEtag<BaseRecord>('GET', `${path}/${encodeURIComponent(recordId)}`);
      const fresh = formValues(collection, body);
      setLoaded({ record: body, etag });
      setInitial(fresh);
      setValues(fresh);
      setLoadError(undefined);
      setStale(false);
      clear();
    } catch (e) {
      setLoadError(e);
    }
  }, [collection, path, recordId, clear]);

  useEffect(() => {
    void load();
  }, [load]);

  const serverDetails = submit.error instanceof ApiError ? submit.error.details : {};
  const errors: Record<string, string> = { ...localErrors, ...serverDetails };
  const fieldNames = new Set(collection.fields.map((f) => f.name));
  const unplaced = Object.entries(serverDetails).filter(([key]) => !fieldNames.has(key));

  async function save(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const f of collection.fields) {
      // On edit only what changed is sent; a new record leaves out empty inputs so defaults apply.
      if (recordId && JSON.stringify(values[f.name]) === JSON.stringify(initial[f.name])) continue;
      const parsed = fromFormValue(f, values[f.name]);
      if ('problem' in parsed) problems[f.name] = parsed.problem;
      else if (recordId || !isEmptyValue(parsed.value)) body[f.name] = parsed.value;
    }
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return clear();
    if (recordId && Object.keys(body).length === 0) {
      toast.success('Nothing to save: no value changed');
      return onClose();
    }
    const headers: Record<string, string> = {};
    if (loaded?.etag) headers['If-Match'] = loaded.etag;
    const saved = await submit.run(
      () => request<BaseRecord>(recordId ? 'PATCH' : 'POST', recordId ? `${path}/${encodeURIComponent(recordId)}` : path, { body, headers }),
      (err) => {
        if (!(err instanceof ApiError) || err.status !== 409) return;
        toast.error(err);
        if (recordId && Object.keys(err.details).length === 0) void checkStale(recordId);
      },
    );
    if (!saved) return;
    toast.success(recordId ? 'Record saved' : `Record created in ${collection.name}`);
    onSaved(saved);
  }

  /** A 409 is also a unique violation: only a changed ETag means the record moved on under the form. */
  async function checkStale(id: string) {
    try {
      const { etag } = await requestWithEtag<BaseRecord>('GET', `${path}/${encodeURIComponent(id)}`);
      setStale(etag !== loaded?.etag);
    } catch {
      setStale(true);
    }
  }

  const title = recordId ? 'Edit record' : `New ${collection.name} record`;
  return (
    <form className="card record-form" onSubmit={save} aria-label={title} noValidate>
      <div className="card-title">
        <h2>{title}</h2>
        {loaded && <code className="muted">{loaded.record.id}</code>}
      </div>
      {loaded && (
        <p className="muted small-text">Created {formatDate(loaded.record.createdAt)} · updated {formatDate(loaded.record.updatedAt)}</p>
      )}
      <ErrorNotice error={loadError} />
      {stale && (
        <div className="notice notice-warn" role="alert">
          This record was changed by someone else after you opened it, so it was not saved.{' '}
          <button type="button" className="small" onClick={() => void load()}>Reload the record</button>{' '}
          <span>(your edits here are replaced by the stored values)</span>
        </div>
      )}
      {!stale && Object.keys(serverDetails).length === 0 && <ErrorNotice error={submit.error} />}
      {!stale && Object.keys(serverDetails).length > 0 && (
        <div className="notice notice-error" role="alert">
          Not saved: {unplaced.length > 0 ? unplaced.map(([key, message]) => `${key} ${message}`).join('; ') : 'the marked fields need a change.'}
        </div>
      )}
      {(!recordId || loaded) && (
        <div className="record-fields">
          {collection.fields.map((f) => (
            <RecordField key={f.name} field={f} error={errors[f.name]}>
              <RecordInput
                field={f}
                id={`record-${f.name}`}
                value={values[f.name]}
                invalid={Boolean(errors[f.name])}
                collections={collections}
                onChange={(value) => setValues({ ...values, [f.name]: value })}
              />
            </RecordField>
          ))}
        </div>
      )}
      <div className="actions">
        <button type="submit" disabled={submit.busy || (Boolean(recordId) && !loaded)}>
          {submit.busy ? 'Saving…' : recordId ? 'Save record' : 'Create record'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}

function RecordField({ field, error, children }: { field: SchemaField; error?: string; children: ReactNode }) {
  const id = `record-${field.name}`;
  const describe = [field.type, ...constraints(field), field.required ? 'required' : '', field.hidden ? 'hidden' : ''].filter(Boolean).join(' · ');
  return (
    <div className={`field${field.type === 'boolean' ? ' boolean-field' : ''}${error ? ' has-error' : ''}`}>
      {field.type !== 'boolean' && <label htmlFor={id}>{field.name}</label>}
      {children}
      {!error && <div className="hint">{describe}</div>}
      {error && <div className="field-error" id={`${id}-error`}>{error}</div>}
    </div>
  );
}

/** What the server will check, so the admin knows before saving. */
function constraints(field: SchemaField): string[] {
  const out: string[] = [];
  if ('multiple' in field && field.multiple) out.push('multiple');
  if (field.type === 'text' || field.type === 'number') {
    const unit = field.type === 'text' ? ' characters' : '';
    if (field.min !== undefined) out.push(`min ${field.min}${unit}`);
    if (field.max !== undefined) out.push(`max ${field.max}${unit}`);
  }
  if (field.type === 'number' && field.integer) out.push('whole number');
  if (field.type === 'text' && field.pattern) out.push(`matches ${field.pattern}`);
  if (field.type === 'relation') out.push(`ids of ${field.collection}`);
  if (field.type === 'file') out.push(`bucket ${field.bucket}`);
  return out;
}
