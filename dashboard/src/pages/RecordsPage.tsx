import { useState, type FormEvent } from 'react';
import type { BaseRecord } from '@basalt/contracts';
import { ApiError, request } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { FilterError } from '../components/FilterError';
import { PageHeader } from '../components/PageHeader';
import { shortId } from '../format';
import { useRowAction } from '../useRowAction';
import { CollectionTabs } from './collections/CollectionTabs';
import { useCollections } from './collections/useCollections';
import { RecordForm } from './records/RecordForm';
import { RecordTable } from './records/RecordTable';
import { useRecordList } from './records/useRecordList';

const PAGE_SIZES = [10, 30, 100, 500];

/** `/collections/:name/records`: filter, sort, page through, create, edit and delete records. */
export function RecordsPage({ name }: { name: string }) {
  const collections = useCollections();
  const collection = collections.find(name);
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState('');
  const [limit, setLimit] = useState(30);
  const records = useRecordList(name, filter, sort, limit);
  /** null: no form; {}: a new record; {id}: editing that record. */
  const [editing, setEditing] = useState<{ id?: string } | null>(null);
  const remove = useRowAction(async (record: BaseRecord) => {
    await request<void>('DELETE', `/api/collections/${encodeURIComponent(name)}/records/${encodeURIComponent(record.id)}`);
    if (editing?.id === record.id) setEditing(null);
    return `Record ${shortId(record.id)} deleted`;
  }, records.reload);

  const filterError = records.error instanceof ApiError && records.error.code === 'invalid_filter' ? records.error : null;

  function apply(e: FormEvent) {
    e.preventDefault();
    if (draft.trim() === filter) records.reload();
    else setFilter(draft.trim());
  }

  const shown = records.items.length;
  return (
    <>
      <PageHeader
        title={name}
        description={describeTotal(records.total, filter !== '')}
        actions={
          <>
            <CollectionTabs name={name} current="records" />
            {collection && <button type="button" onClick={() => setEditing({})}>New record</button>}
          </>
        }
      />
      <ErrorNotice error={collections.error} />
      {collections.data && !collection && <p className="empty">There is no collection named {name}.</p>}
      {collection && (
        <>
          <form className="card" onSubmit={apply} aria-label="Filter records">
            <div className="inline-form">
              <div className={filterError ? 'field grow has-error' : 'field grow'}>
                <label htmlFor="records-filter">Filter</label>
                <input
                  id="records-filter"
                  className="mono"
                  placeholder={`${collection.fields[0]?.name ?? 'id'} != '' && createdAt > '2024-01-01'`}
                  value={draft}
                  aria-invalid={filterError ? true : undefined}
                  aria-describedby={filterError ? 'records-filter-error' : undefined}
                  onChange={(e) => setDraft(e.target.value)}
                />
                {filterError ? (
                  <FilterError id="records-filter-error" error={filterError} expression={filter} />
                ) : (
                  <div className="hint">
                    Fields: {['id', ...collection.fields.map((f) => f.name), 'createdAt', 'updatedAt'].map((n) => <code key={n}>{n} </code>)}
                    · Operators: <code>= != &gt; &lt; ~ ?= &amp;&amp; ||</code> · Click a column header to sort.
                  </div>
                )}
              </div>
              <div className="field">
                <label htmlFor="records-limit">Per page</label>
                <select id="records-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                  {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
              </div>
              <button type="submit" disabled={records.loading}>Apply</button>
            </div>
          </form>

          {editing && (
            <RecordForm
              key={editing.id ?? 'new'}
              collection={collection}
              collections={collections.items}
              recordId={editing.id}
              onClose={() => setEditing(null)}
              onSaved={() => {
                setEditing(null);
                records.reload();
              }}
            />
          )}

          <section className="card">
            {!filterError && <ErrorNotice error={records.error} />}
            {filterError && <p className="empty">Fix the filter to see records.</p>}
            {!records.loading && !records.error && shown === 0 && (
              <p className="empty">{filter ? 'No records match the filter.' : `No records in ${name} yet.`}</p>
            )}
            {shown > 0 && (
              <RecordTable
                collection={collection}
                records={records.items}
                sort={sort}
                onSort={setSort}
                onEdit={(r) => setEditing({ id: r.id })}
                onDelete={(r) => void remove.run(r)}
                deletingId={remove.busyId}
              />
            )}
            <ErrorNotice error={records.moreError} />
            {shown > 0 && (
              <div className="list-footer">
                <span className="muted">
                  Showing {shown}
                  {records.total !== undefined && ` of ${records.total}`}
                </span>
                {records.hasMore && (
                  <button type="button" className="secondary" disabled={records.loadingMore} onClick={records.loadMore}>
                    {records.loadingMore ? 'Loading…' : 'Load more'}
                  </button>
                )}
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

function describeTotal(total: number | undefined, filtered: boolean): string {
  if (total === undefined) return 'Records.';
  const records = `${total} record${total === 1 ? '' : 's'}`;
  return filtered ? `${records} ${total === 1 ? 'matches' : 'match'} the filter.` : `${records}.`;
}
