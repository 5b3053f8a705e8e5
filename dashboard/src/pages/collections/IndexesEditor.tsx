import { Field } from '../../components/Field';
import { newIndexDraft, type IndexDraft } from './schemaDraft';

/** Indexes: each a list of field names (in index order) and whether the combination must be unique. */
export function IndexesEditor({ indexes, fieldNames, errors, onChange }: {
  indexes: IndexDraft[];
  fieldNames: string[];
  errors: Record<string, string>;
  onChange(indexes: IndexDraft[]): void;
}) {
  const update = (key: string, patch: Partial<IndexDraft>) => onChange(indexes.map((ix) => (ix.key === key ? { ...ix, ...patch } : ix)));
  return (
    <div>
      {indexes.length === 0 && <p className="muted">No indexes. Add one for fields you often filter or sort by.</p>}
      {indexes.map((ix, i) => (
        <div key={ix.key} className="index-row" role="group" aria-label={`Index ${i + 1}`}>
          <Field label={`Index ${i + 1} fields`} htmlFor={`index-${ix.key}`} error={errors[`index:${ix.key}`]}>
            <input id={`index-${ix.key}`} className="mono" placeholder="author, publishedAt" value={ix.fields} onChange={(e) => update(ix.key, { fields: e.target.value })} />
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={ix.unique} onChange={(e) => update(ix.key, { unique: e.target.checked })} />
            Unique
          </label>
          <button type="button" className="danger small" onClick={() => onChange(indexes.filter((x) => x.key !== ix.key))}>Remove</button>
        </div>
      ))}
      {errors.indexes && <div className="field-error">{errors.indexes}</div>}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onChange([...indexes, newIndexDraft()])}>Add index</button>
        {fieldNames.length > 0 && <span className="hint">Fields: {['id', 'createdAt', 'updatedAt', ...fieldNames].map((n) => <code key={n}>{n} </code>)}</span>}
      </div>
    </div>
  );
}
