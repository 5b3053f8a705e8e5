import { useState, type FormEvent } from 'react';
import type { Bucket, UpdateBucketRequest } from '@basalt/contracts';
import { ApiError, request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { RulesEditor } from '../collections/RulesEditor';
import { BUCKET_RULE_LABELS, BUCKET_RULE_NAMES, fromBucketDraft, toBucketDraft, typesError, type BucketDraft } from './bucketDraft';

/** Creates a bucket (no `bucket`) or edits one; the server's per-field messages are shown under each input. */
export function BucketForm({ bucket, onSaved, onCancel }: { bucket?: Bucket; onSaved(bucket: Bucket): void; onCancel(): void }) {
  const toast = useToast();
  const [draft, setDraft] = useState<BucketDraft>(() => toBucketDraft(bucket));
  /** The draft as last sent, so an `invalid_filter` caret points into what the server saw. */
  const [sent, setSent] = useState<BucketDraft>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [problems, setProblems] = useState<Record<string, string>>({});

  const serverError = error instanceof ApiError ? error : undefined;
  const rule = serverError?.code === 'invalid_filter' ? serverError.details.rule : undefined;
  const ruleError = rule && sent ? { rule, error: serverError, expression: sent.rules[rule as keyof BucketDraft['rules']]?.expression.trim() ?? '' } : undefined;
  const errors = { ...(serverError?.code === 'validation_failed' ? serverError.details : {}), ...problems };
  const placed = Boolean(ruleError) || Object.keys(errors).some((k) => /^(name|public|maxFileSize|allowedTypes(\.\d+)?|rules\.\w+)$/.test(k));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { body, problems: found } = fromBucketDraft(draft);
    setProblems(found);
    setError(undefined);
    if (Object.keys(found).length) return;
    setBusy(true);
    setSent(draft);
    try {
      const saved = bucket
        ? await request<Bucket>('PATCH', `/api/storage/buckets/${encodeURIComponent(bucket.name)}`, { body: { public: body.public, maxFileSize: body.maxFileSize, allowedTypes: body.allowedTypes, rules: body.rules } satisfies UpdateBucketRequest })
        : await request<Bucket>('POST', '/api/storage/buckets', { body });
      toast.success(bucket ? `Bucket ${saved.name} saved` : `Bucket ${saved.name} created`);
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const title = bucket ? `Settings of ${bucket.name}` : 'New bucket';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      {!placed && <ErrorNotice error={error} />}
      {placed && <div className="notice notice-error" role="alert">Fix the highlighted fields and save again.</div>}
      {!bucket && (
        <Field label="Bucket name" htmlFor="bucket-name" hint="a-z, 0-9, _ and -; it cannot be changed later." error={errors.name}>
          <input id="bucket-name" required value={draft.name} aria-invalid={errors.name ? true : undefined} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </Field>
      )}
      <div className={errors.public ? 'field has-error' : 'field'}>
        <label className="checkbox">
          <input type="checkbox" checked={draft.public} onChange={(e) => setDraft({ ...draft, public: e.target.checked })} />
          Public <span className="muted">everyone, guests too, may read files (the read rule is not consulted)</span>
        </label>
        {errors.public && <div className="field-error">{errors.public}</div>}
      </div>
      <Field label="Max file size (MB)" htmlFor="bucket-max-size" hint="Larger uploads are cut off with 413." error={errors.maxFileSize}>
        <input id="bucket-max-size" inputMode="decimal" value={draft.maxFileSizeMb} aria-invalid={errors.maxFileSize ? true : undefined} onChange={(e) => setDraft({ ...draft, maxFileSizeMb: e.target.value })} />
      </Field>
      <Field label="Allowed types" htmlFor="bucket-types" hint="Comma-separated, e.g. image/*, application/pdf. Empty: any type (sniffed from the bytes)." error={typesError(errors)}>
        <input id="bucket-types" className="mono" value={draft.allowedTypes} aria-invalid={typesError(errors) ? true : undefined} onChange={(e) => setDraft({ ...draft, allowedTypes: e.target.value })} />
      </Field>
      <h3>Access rules</h3>
      <p className="muted small-text">
        Expressions see <code>@request.auth.*</code> and the file's <code>owner</code>, <code>name</code>, <code>size</code>,{' '}
        <code>contentType</code>, <code>metadata.*</code>, <code>createdAt</code>.
      </p>
      <RulesEditor
        names={BUCKET_RULE_NAMES}
        labels={BUCKET_RULE_LABELS}
        rules={draft.rules}
        errors={errors}
        ruleError={ruleError}
        onChange={(rules) => setDraft({ ...draft, rules })}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : bucket ? 'Save bucket' : 'Create bucket'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
