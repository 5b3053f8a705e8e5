import { FIELD_TYPES, type Collection, type FieldType } from '@basalt/contracts';
import { useState } from 'react';
import { FieldEditor } from './FieldEditor';
import { newFieldDraft, type FieldDraft } from './fieldDraft';
import { errorsOfField } from './schemaDraft';

/** The ordered field list: add a field of a type, edit, move and remove fields. */
export function FieldList({ fields, errors, collections, onChange }: {
  fields: FieldDraft[];
  errors: Record<string, string>;
  collections: Collection[];
  onChange(fields: FieldDraft[]): void;
}) {
  const [newType, setNewType] = useState<FieldType>('text');

  function update(key: string, patch: Partial<FieldDraft>) {
    onChange(fields.map((f) => (f.key === key ? { ...f, ...patch } : f)));
  }
  function move(index: number, delta: -1 | 1) {
    const next = [...fields];
    const [moved] = next.splice(index, 1);
    next.splice(index + delta, 0, moved);
    onChange(next);
  }

  return (
    <div className="field-list">
      {fields.length === 0 && <p className="empty">No fields yet: every record still has an id, createdAt and updatedAt.</p>}
      {fields.map((f, i) => (
        <FieldEditor
          key={f.key}
          draft={f}
          position={i}
          count={fields.length}
          errors={errorsOfField(errors, f.key)}
          collections={collections}
          onChange={(patch) => update(f.key, patch)}
          onMove={(delta) => move(i, delta)}
          onRemove={() => onChange(fields.filter((x) => x.key !== f.key))}
        />
      ))}
      {errors.fields && <div className="field-error">{errors.fields}</div>}
      <div className="actions add-field">
        <select aria-label="New field type" value={newType} onChange={(e) => setNewType(e.target.value as FieldType)}>
          {FIELD_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <button type="button" className="secondary" onClick={() => onChange([...fields, newFieldDraft(newType)])}>Add field</button>
      </div>
    </div>
  );
}
