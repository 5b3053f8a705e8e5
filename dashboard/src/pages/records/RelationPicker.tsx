import { useState } from 'react';
import type { BaseRecord, Collection, RecordList } from '@basalt/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDate, shortId } from '../../format';
import { useApi } from '../../useApi';

/** A small list of the target collection's newest records; choosing one puts its id in the input. */
export function RelationPicker({ collection, target, onPick }: { collection: string; target?: Collection; onPick(id: string): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Close' : `Pick from ${collection}`}
      </button>
      {open && <PickerList collection={collection} target={target} onPick={(id) => { onPick(id); setOpen(false); }} />}
    </>
  );
}

function PickerList({ collection, target, onPick }: { collection: string; target?: Collection; onPick(id: string): void }) {
  const records = useApi<RecordList>(`/api/collections/${encodeURIComponent(collection)}/records`, { query: { sort: '-createdAt', limit: 20 } });
  const label = labelOf(target);

  return (
    <div className="picker" role="listbox" aria-label={`Records of ${collection}`}>
      <ErrorNotice error={records.error} />
      {records.data?.items.length === 0 && <p className="muted">No records in {collection} yet.</p>}
      {records.data?.items.map((r) => (
        <button key={r.id} type="button" role="option" aria-selected={false} className="picker-option" onClick={() => onPick(r.id)}>
          <code>{shortId(r.id)}</code> <span>{label(r)}</span>
        </button>
      ))}
      {records.data?.nextCursor && <p className="hint">The 20 newest are listed; paste any other id.</p>}
    </div>
  );
}

/** What a person recognises a record by: its first text-like field, else when it was made. */
function labelOf(c: Collection | undefined): (r: BaseRecord) => string {
  const field = c?.fields.find((f) => (f.type === 'text' || f.type === 'email') && !('multiple' in f && f.multiple));
  return (r) => (field && typeof r[field.name] === 'string' && r[field.name] ? String(r[field.name]) : formatDate(r.createdAt));
}
