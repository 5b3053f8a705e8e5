import { FIELD_TYPES, type Collection, type FieldType } from '@basalt/contracts';
import { Field } from '../../components/Field';
import { FieldOptions, OPTION_INPUTS } from './FieldOptions';
import { MULTIPLE_TYPES, splitList, type FieldDraft } from './fieldDraft';

const PLACED = new Set(['name', 'type', 'default', ...OPTION_INPUTS]);

/** One field of the schema: name, type, flags, default and the type's options. Built-in fields only toggle `hidden`. */
export function FieldEditor({ draft, position, count, errors, collections, onChange, onMove, onRemove }: {
  draft: FieldDraft;
  /** 0-based place in the list. */
  position: number;
  count: number;
  errors: Record<string, string>;
  collections: Collection[];
  onChange(patch: Partial<FieldDraft>): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
}) {
  const id = (part: string) => `f-${draft.key}-${part}`;
  const locked = draft.system;
  const leftover = Object.entries(errors).filter(([option]) => !PLACED.has(option));
  const flag = (option: 'required' | 'unique' | 'hidden', label: string) => (
    <label className="checkbox">
      <input type="checkbox" disabled={locked && option !== 'hidden'} checked={draft[option]} onChange={(e) => onChange({ [option]: e.target.checked })} />
      {label}
    </label>
  );

  return (
    <section className={Object.keys(errors).length ? 'field-card invalid' : 'field-card'} role="group" aria-label={`Field ${position + 1}`}>
      <div className="field-card-head">
        <span className="field-number">{position + 1}</span>
        {locked && <span className="badge badge-neutral" title="Built in: only “hidden” can be changed">built in</span>}
        {draft.id && draft.original && draft.original.name !== draft.name.trim() && !locked && (
          <span className="badge badge-warn">renamed from {draft.original.name}</span>
        )}
        <div className="actions field-card-actions">
          <button type="button" className="secondary small" aria-label="Move up" title="Move up" disabled={position === 0} onClick={() => onMove(-1)}>↑</button>
          <button type="button" className="secondary small" aria-label="Move down" title="Move down" disabled={position === count - 1} onClick={() => onMove(1)}>↓</button>
          {!locked && <button type="button" className="danger small" onClick={onRemove}>Remove</button>}
        </div>
      </div>
      <div className="field-card-main">
        <Field label="Name" htmlFor={id('name')} error={errors.name}>
          <input id={id('name')} className="mono" disabled={locked} value={draft.name} autoComplete="off" onChange={(e) => onChange({ name: e.target.value })} />
        </Field>
        <Field label="Type" htmlFor={id('type')} error={errors.type}>
          <select id={id('type')} disabled={locked} value={draft.type} onChange={(e) => onChange({ type: e.target.value as FieldType })}>
            {FIELD_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </Field>
        <DefaultInput draft={draft} error={errors.default} onChange={onChange} />
        <div className="field-flags">
          {flag('required', 'Required')}
          {flag('unique', 'Unique')}
          {flag('hidden', 'Hidden')}
        </div>
      </div>
      <FieldOptions draft={draft} errors={errors} collections={collections} onChange={onChange} />
      {leftover.map(([option, message]) => (
        <div key={option} className="field-error">{option ? `${option}: ` : ''}{message}</div>
      ))}
    </section>
  );
}

function DefaultInput({ draft, error, onChange }: { draft: FieldDraft; error?: string; onChange(patch: Partial<FieldDraft>): void }) {
  const inputId = `f-${draft.key}-default`;
  const list = draft.multiple && MULTIPLE_TYPES.includes(draft.type);
  const common = { id: inputId, disabled: draft.system, value: draft.default, onChange: (e: { target: { value: string } }) => onChange({ default: e.target.value }) };
  let input;
  if (draft.type === 'boolean') {
    input = (
      <select {...common}>
        <option value="">None</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (draft.type === 'select' && !list) {
    input = (
      <select {...common}>
        <option value="">None</option>
        {splitList(draft.values).map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    );
  } else if (draft.type === 'date') {
    input = <input type="datetime-local" {...common} />;
  } else if (draft.type === 'number') {
    input = <input type="number" step="any" {...common} />;
  } else {
    const placeholder = draft.system ? undefined : list ? 'a, b, c' : draft.type === 'json' ? '{"key": "value"}' : undefined;
    input = <input className={draft.type === 'json' ? 'mono' : undefined} placeholder={placeholder} {...common} />;
  }
  return (
    <Field label="Default" htmlFor={inputId} hint={list && !draft.system ? 'Comma-separated.' : undefined} error={error}>
      {input}
    </Field>
  );
}
