import { useState, type FormEvent } from 'react';
import type { Bucket, BucketStats, StoredFile } from '@basalt/contracts';
import { ApiError, request } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { FilterError } from '../components/FilterError';
import { PageHeader } from '../components/PageHeader';
import { useToast } from '../components/Toasts';
import { formatBytes } from '../format';
import { Link, navigate } from '../router';
import { useApi } from '../useApi';
import { useCursorList } from '../useCursorList';
import { useRowAction } from '../useRowAction';
import { BucketForm } from './storage/BucketForm';
import { FileTable } from './storage/FileTable';
import { UploadForm } from './storage/UploadForm';

/** `/storage/:bucket`: the bucket's files (filter, page, upload, download, delete) and its settings. */
export function StorageBucketPage({ name }: { name: string }) {
  const path = `/api/storage/buckets/${encodeURIComponent(name)}`;
  const toast = useToast();
  const bucket = useApi<Bucket>(path);
  const stats = useApi<BucketStats>(`${path}/stats`);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const files = useCursorList<StoredFile>(`${path}/files`, { filter, limit: 30 });
  const reloadFiles = () => {
    files.reload();
    stats.reload();
  };
  const remove = useRowAction(async (file: StoredFile) => {
    await request<void>('DELETE', `${path}/files/${encodeURIComponent(file.id)}`);
    return `File ${file.name} deleted`;
  }, reloadFiles);

  const filterError = files.error instanceof ApiError && files.error.code === 'invalid_filter' ? files.error : null;

  function apply(e: FormEvent) {
    e.preventDefault();
    if (draft.trim() === filter) files.reload();
    else setFilter(draft.trim());
  }

  async function deleteBucket() {
    setDeleting(true);
    try {
      await request<void>('DELETE', path);
      toast.success(`Bucket ${name} deleted`);
      navigate('/storage');
    } catch (e) {
      toast.error(e);
      setDeleting(false);
    }
  }

  const s = stats.data;
  return (
    <>
      <PageHeader
        title={name}
        description={s ? `${s.files} file${s.files === 1 ? '' : 's'}, ${formatBytes(s.bytes)}${s.pending ? `, ${s.pending} upload${s.pending === 1 ? '' : 's'} in progress` : ''}.` : 'Files in this bucket.'}
        actions={
          <>
            <Link to="/storage" className="button secondary">All buckets</Link>
            {bucket.data && !editing && <button type="button" className="secondary" onClick={() => setEditing(true)}>Edit settings</button>}
            {bucket.data && <ConfirmButton label="Delete bucket" question={`Delete ${name} and all its files?`} confirmLabel="Yes, delete" busy={deleting} onConfirm={() => void deleteBucket()} />}
          </>
        }
      />
      <ErrorNotice error={bucket.error} />
      {bucket.data && editing && (
        <BucketForm
          bucket={bucket.data}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            bucket.reload();
          }}
        />
      )}
      {bucket.data && (
        <>
          <UploadForm bucket={bucket.data} onUploaded={reloadFiles} />
          <form className="card" onSubmit={apply} aria-label="Filter files">
            <div className="inline-form">
              <div className={filterError ? 'field grow has-error' : 'field grow'}>
                <label htmlFor="files-filter">Filter</label>
                <input
                  id="files-filter"
                  className="mono"
                  placeholder="contentType ~ 'image/' && size > 1000"
                  value={draft}
                  aria-invalid={filterError ? true : undefined}
                  aria-describedby={filterError ? 'files-filter-error' : undefined}
                  onChange={(e) => setDraft(e.target.value)}
                />
                {filterError ? (
                  <FilterError id="files-filter-error" error={filterError} expression={filter} />
                ) : (
                  <div className="hint">
                    Fields: {['id', 'owner', 'name', 'size', 'contentType', 'metadata.<key>', 'createdAt'].map((n) => <code key={n}>{n} </code>)}
                  </div>
                )}
              </div>
              <button type="submit" disabled={files.loading}>Apply</button>
            </div>
          </form>
          <section className="card">
            {!filterError && <ErrorNotice error={files.error} />}
            {filterError && <p className="empty">Fix the filter to see files.</p>}
            {!files.loading && !files.error && files.items.length === 0 && (
              <p className="empty">{filter ? 'No files match the filter.' : `No files in ${name} yet.`}</p>
            )}
            {files.items.length > 0 && (
              <FileTable bucket={name} files={files.items} onDelete={(f) => void remove.run(f)} deletingId={remove.busyId} />
            )}
            <ErrorNotice error={files.moreError} />
            {files.items.length > 0 && (
              <div className="list-footer">
                <span className="muted">Showing {files.items.length}</span>
                {files.hasMore && (
                  <button type="button" className="secondary" disabled={files.loadingMore} onClick={files.loadMore}>
                    {files.loadingMore ? 'Loading…' : 'Load more'}
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
