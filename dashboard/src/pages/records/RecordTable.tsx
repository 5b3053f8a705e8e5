import type { BaseRecord, Collection } from '@basalt/contracts';
import { ConfirmButton } from '../../components/ConfirmButton';
import { formatDate, shortId } from '../../format';
import { formatCell, isSortable } from './recordValues';

interface Column {
  name: string;
  label: string;
  sortable: boolean;
  render(record: BaseRecord): string;
}

/** Records as rows: id, every field, createdAt. Clicking a sortable header sorts by it, again to reverse. */
export function RecordTable({ collection, records, sort, onSort, onEdit, onDelete, deletingId }: {
  collection: Collection;
  records: BaseRecord[];
  /** `field` or `-field`; '' for the default order. */
  sort: string;
  onSort(sort: string): void;
  onEdit(record: BaseRecord): void;
  onDelete(record: BaseRecord): void;
  deletingId: string | null;
}) {
  const columns: Column[] = [
    { name: 'id', label: 'id', sortable: true, render: (r) => shortId(r.id) },
    ...collection.fields.map((f) => ({ name: f.name, label: f.name, sortable: isSortable(f), render: (r: BaseRecord) => formatCell(f, r[f.name]) })),
    { name: 'createdAt', label: 'createdAt', sortable: true, render: (r) => formatDate(r.createdAt) },
  ];
  const sortField = sort.replace(/^-/, '');
  const descending = sort.startsWith('-');

  return (
    <div className="table-scroll">
      <table className="table clickable records" aria-label={`Records of ${collection.name}`}>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = c.name === sortField;
              return (
                <th key={c.name} aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}>
                  {c.sortable ? (
                    <button
                      type="button"
                      className="sort-header"
                      title={`Sort by ${c.name}`}
                      onClick={() => onSort(active && !descending ? `-${c.name}` : c.name)}
                    >
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">{active ? (descending ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
            <th />
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} onClick={(e) => !(e.target as HTMLElement).closest('button') && onEdit(r)}>
              {columns.map((c) => {
                const text = c.render(r);
                return (
                  <td key={c.name} className={c.name === 'id' ? 'mono nowrap' : c.name === 'createdAt' ? 'nowrap' : 'cell'} title={c.name === 'id' ? r.id : text}>
                    {text}
                  </td>
                );
              })}
              <td className="row-actions">
                <button type="button" className="secondary small" onClick={() => onEdit(r)}>Edit</button>{' '}
                <ConfirmButton label="Delete" question="Delete this record?" confirmLabel="Yes, delete" busy={deletingId === r.id} onConfirm={() => onDelete(r)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
