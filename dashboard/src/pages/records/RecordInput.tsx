import type { Collection, Field } from '@basalt/contracts';
import { RelationPicker } from './RelationPicker';
import type { FormValue } from './recordValues';

/** The input for one field of a record, chosen by the field's type. */
export function RecordInput({ field, id, value, invalid, collections, onChange }: {
  field: Field;
  /** For a relation's picker: the target collection's schema. */
  collections: Collection[];
  id: string;
  value: FormValue;
  invalid: boolean;
  onChange(value: FormValue): void;
}) {
  const multiple = 'multiple' in field && field.multiple === true;
  const aria = { 'aria-invalid': invalid || undefined, 'aria-describedby': invalid ? `${id}-error` : undefined };
  const text = typeof value === 'string' ? value : '';
  const setText = (e: { target: { value: string } }) => onChange(e.target.value);

  switch (field.type) {
    case 'boolean':
      return (
        <label className="checkbox">
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} {...aria} />
          {field.name}
        </label>
      );
    case 'number':
      return <input id={id} type="number" step={field.integer ? 1 : 'any'} min={field.min} max={field.max} value={text} onChange={setText} {...aria} />;
    case 'date':
      return <input id={id} type="datetime-local" step={1} value={text} onChange={setText} {...aria} />;
    case 'email':
      return <input id={id} type="email" value={text} onChange={setText} {...aria} />;
    case 'url':
      return <input id={id} type="url" placeholder="https://" value={text} onChange={setText} {...aria} />;
    case 'json':
      return <textarea id={id} className="mono" rows={4} spellCheck={false} value={text} onChange={setText} {...aria} />;
    case 'select': {
      if (!multiple) {
        return (
          <select id={id} value={text} onChange={setText} {...aria}>
            <option value="">—</option>
            {field.values.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        );
      }
      const chosen = Array.isArray(value) ? value : [];
      return (
        <div id={id} className="checkbox-row" role="group" aria-label={field.name} {...aria}>
          {field.values.map((v) => (
            <label key={v} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(v)}
                onChange={(e) => onChange(e.target.checked ? field.values.filter((x) => x === v || chosen.includes(x)) : chosen.filter((x) => x !== v))}
              />
              {v}
            </label>
          ))}
        </div>
      );
    }
    case 'relation':
      return (
        <div className="with-picker">
          <input id={id} className="mono" placeholder={multiple ? 'ids, comma-separated' : 'record id'} value={text} onChange={setText} {...aria} />
          <RelationPicker collection={field.collection} target={collections.find((c) => c.name === field.collection)} onPick={(picked) => onChange(multiple ? appendId(text, picked) : picked)} />
        </div>
      );
    case 'file':
      return <input id={id} className="mono" placeholder={multiple ? 'file ids, comma-separated' : 'file id'} value={text} onChange={setText} {...aria} />;
    case 'text':
      if (multiple) return <textarea id={id} rows={3} placeholder="One per line" value={text} onChange={setText} {...aria} />;
      return <input id={id} type="text" minLength={field.min} maxLength={field.max} value={text} onChange={setText} {...aria} />;
  }
}

function appendId(text: string, id: string): string {
  const ids = text.split(/[\s,]+/).filter(Boolean);
  return ids.includes(id) ? text : [...ids, id].join(', ');
}
