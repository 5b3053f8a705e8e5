import type { FailedJob, ListResponse } from '@basalt/contracts';
import { request } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { useRowAction } from '../useRowAction';

export function JobsPage() {
  const jobs = useApi<ListResponse<FailedJob>>('/api/admin/jobs', { query: { status: 'failed' } });
  const retry = useRowAction(async (job: FailedJob) => {
    await request<void>('POST', `/api/admin/jobs/${encodeURIComponent(job.id)}/retry`);
    return `Job ${job.name} queued again`;
  }, jobs.reload);

  return (
    <>
      <PageHeader
        title="Jobs"
        description="Background jobs that failed after every retry. Retrying runs a job again with the same payload."
        actions={<button type="button" className="secondary" onClick={jobs.reload} disabled={jobs.loading}>Refresh</button>}
      />
      <section className="card">
        <ErrorNotice error={jobs.error} />
        {jobs.data && jobs.data.items.length === 0 && <p className="empty">No failed jobs.</p>}
        {jobs.data && jobs.data.items.length > 0 && (
          <table className="table" aria-label="Failed jobs">
            <thead>
              <tr><th>Job</th><th>Error</th><th>Attempts</th><th>Failed</th><th /></tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <tr key={job.id}>
                  <td>
                    <code>{job.name}</code>
                    <details className="payload">
                      <summary>Payload</summary>
                      <pre>{JSON.stringify(job.payload, null, 2)}</pre>
                    </details>
                  </td>
                  <td className="error-text">{job.error}</td>
                  <td className="num">{job.attempts}</td>
                  <td className="nowrap">{formatDate(job.failedAt)}</td>
                  <td className="row-actions">
                    <button type="button" className="small" disabled={retry.busyId === job.id} onClick={() => void retry.run(job)}>
                      {retry.busyId === job.id ? 'Retrying…' : 'Retry'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
