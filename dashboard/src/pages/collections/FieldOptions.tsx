import type { Collection, OnDelete } from '@basalt/contracts';
import { Field } from '../../components/Field';
import type { FieldDraft } from './fieldDraft';

/** The options with an input of their own here; other problems are listed under the field. */
export const OPTION_INPUTS = ['min', 'max', 'pattern', 'values', 'collection', 'onDelete', 'bucket'];

const ON_DELETE: { value: OnDelete | ''; label: string; hint: string }[] = [
  { value: '', label: 'Default (set null)', hint: 'When the target is deleted, this field is cleared.' },
  { value: 'cascade', label: 'Cascade', hint: 'When the target is deleted, this record is deleted too.' },
  { value: 'setNull', label: 'Set null', hint: 'When the target is deleted, this field is cleared.' },
  { value: 'restrict', label: 'Restrict', hint: 'The target cannot be deleted while this record points at it.' },
];

/** The options of one field type: text min/max/pattern, number bounds, select values, relation target, file bucket. */
export function FieldOptions({ draft, errors, collections, onChange }: {
  draft: FieldDraft;
  errors: Record<string, string>;
  collections: Collection[];
  onChange(patch: Partial<FieldDraft>): void;
}) {
  const id = (option: string) => `f-${draft.key}-${option}`;
  const disabled = draft.system;
  const text = (option: 'min' | 'max' | 'pattern' | 'bucket', label: string, props: { type?: string; hint?: string; placeholder?: string } = {}) => (
    <Field label={label} htmlFor={id(option)} hint={props.hint} error={errors[option]}>
      <input
        id={id(option)}
        type={props.type ?? 'text'}
        className={option === 'pattern' ? 'mono' : undefined}
        placeholder={disabled ? undefined : props.placeholder}
        disabled={disabled}
        value={draft[option]}
        onChange={(e) => onChange({ [option]: e.target.value })}
      />
    </Field>
  );
  const flag = (option: 'multiple' | 'integer', label: string) => (
    <label className="checkbox option-flag">
      <input type="checkbox" disabled={disabled} checked={draft[option]} onChange={(e) => onChange({ [option]: e.target.checked })} />
      {label}
    </label>
  );

  switch (draft.type) {
    case 'text':
      return (
        <div className="field-options">
          {text('min', 'Min length', { type: 'number' })}
          {text('max', 'Max length', { type: 'number' })}
          {text('pattern', 'Pattern', { placeholder: '^[a-z]+$' })}
          {flag('multiple', 'Multiple (a list of strings)')}
        </div>
      );
    case 'number':
      return (
        <div className="field-options">
          {text('min', 'Min', { type: 'number' })}
          {text('max', 'Max', { type: 'number' })}
          {flag('integer', 'Whole numbers only')}
        </div>
      );
    case 'date':
      return (
        <div className="field-options">
          {text('min', 'Earliest', { type: 'datetime-local' })}
          {text('max', 'Latest', { type: 'datetime-local' })}
        </div>
      );
    case 'select':
      return (
        <div className="field-options">
          <Field label="Values" htmlFor={id('values')} hint="Comma-separated, or one per line." error={errors.values}>
            <textarea id={id('values')} rows={2} disabled={disabled} value={draft.values} onChange={(e) => onChange({ values: e.target.value })} />
          </Field>
          {flag('multiple', 'Multiple (pick several)')}
        </div>
      );
    case 'relation':
      return (
        <div className="field-options">
          <Field label="Collection" htmlFor={id('collection')} error={errors.collection}>
            <select id={id('collection')} disabled={disabled} value={draft.collection} onChange={(e) => onChange({ collection: e.target.value })}>
              <option value="">Choose…</option>
              {collections.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select>
          </Field>
          <Field label="On delete" htmlFor={id('onDelete')} hint={ON_DELETE.find((o) => o.value === draft.onDelete)?.hint} error={errors.onDelete}>
            <select id={id('onDelete')} disabled={disabled} value={draft.onDelete} onChange={(e) => onChange({ onDelete: e.target.value as OnDelete | '' })}>
              {ON_DELETE.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </Field>
          {flag('multiple', 'Multiple (a list of ids)')}
        </div>
      );
    case 'file':
      return (
        <div className="field-options">
          {text('bucket', 'Bucket', { placeholder: 'avatars' })}
          {flag('multiple', 'Multiple (a list of files)')}
        </div>
      );
    default:
      return null;
  }
}
