import { useState } from 'react';
import type { Bucket, ListResponse } from '@basalt/contracts';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { formatBytes, formatDate } from '../format';
import type { PageProps } from '../routes';
import { Link, navigate } from '../router';
import { useApi } from '../useApi';
import { StorageBucketPage } from './StorageBucketPage';
import { BucketForm } from './storage/BucketForm';

/** `/storage` (the buckets) and `/storage/:bucket` (one bucket's files and settings). */
export function StoragePage({ params }: PageProps) {
  const [bucket] = params;
  if (bucket) return <StorageBucketPage key={bucket} name={bucket} />;
  return <BucketList />;
}

function BucketList() {
  const buckets = useApi<ListResponse<Bucket>>('/api/storage/buckets');
  const [creating, setCreating] = useState(false);
  const open = (name: string) => navigate(`/storage/${encodeURIComponent(name)}`);

  return (
    <>
      <PageHeader
        title="Storage"
        description="Buckets of files, each with its own size limit, allowed types and access rules."
        actions={!creating && <button type="button" onClick={() => setCreating(true)}>New bucket</button>}
      />
      {creating && <BucketForm onCancel={() => setCreating(false)} onSaved={(saved) => open(saved.name)} />}
      <section className="card">
        <ErrorNotice error={buckets.error} />
        {buckets.data && buckets.data.items.length === 0 && <p className="empty">No buckets yet.</p>}
        {buckets.data && buckets.data.items.length > 0 && (
          <table className="table clickable" aria-label="Buckets">
            <thead>
              <tr><th>Name</th><th>Access</th><th className="num">Max file size</th><th>Allowed types</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {buckets.data.items.map((b) => (
                <tr key={b.name} onClick={(e) => !(e.target as HTMLElement).closest('a') && open(b.name)}>
                  <td className="strong"><Link to={`/storage/${encodeURIComponent(b.name)}`}>{b.name}</Link></td>
                  <td><StatusBadge value={b.public ? 'public' : 'private'} tone={b.public ? 'warn' : 'neutral'} /></td>
                  <td className="num">{formatBytes(b.maxFileSize)}</td>
                  <td>{b.allowedTypes.length ? b.allowedTypes.map((t) => <span key={t} className="chip">{t}</span>) : <span className="muted">any</span>}</td>
                  <td className="nowrap">{formatDate(b.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
