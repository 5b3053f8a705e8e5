import { useState, type FormEvent } from 'react';
import type { ListResponse, RequestLogEntry } from '@basalt/contracts';
import { ApiError } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { HttpStatus } from '../components/StatusBadge';
import { formatDate, formatDuration } from '../format';
import { useApi } from '../useApi';

const LIMITS = [50, 100, 200, 500];

export function LogsPage() {
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(100);
  const logs = useApi<ListResponse<RequestLogEntry>>('/api/admin/logs', { query: { filter, limit } });
  const filterError = logs.error instanceof ApiError && logs.error.code === 'invalid_filter' ? logs.error : null;

  function apply(e: FormEvent) {
    e.preventDefault();
    if (draft === filter) logs.reload();
    else setFilter(draft);
  }

  return (
    <>
      <PageHeader title="Logs" description="Requests the server handled, newest first." />
      <form className="card" onSubmit={apply} aria-label="Filter logs">
        <div className="inline-form">
          <div className={filterError ? 'field grow has-error' : 'field grow'}>
            <label htmlFor="logs-filter">Filter</label>
            <input
              id="logs-filter"
              className="mono"
              placeholder="status >= 400 && method = 'POST'"
              value={draft}
              aria-invalid={filterError ? true : undefined}
              aria-describedby={filterError ? 'logs-filter-error' : undefined}
              onChange={(e) => setDraft(e.target.value)}
            />
            {filterError ? (
              <div className="field-error" id="logs-filter-error" role="alert">
                {filterError.message}
                {filterError.details.position !== undefined && !filterError.message.includes(filterError.details.position) &&
                  ` (at character ${filterError.details.position})`}
              </div>
            ) : (
              <div className="hint">
                Fields: <code>method</code> <code>path</code> <code>status</code> <code>durationMs</code> <code>principal</code>{' '}
                <code>ip</code> <code>createdAt</code>. Operators: <code>= != &gt; &lt; ~ &amp;&amp; ||</code>.
              </div>
            )}
          </div>
          <div className="field">
            <label htmlFor="logs-limit">Limit</label>
            <select id="logs-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {LIMITS.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
          <button type="submit" disabled={logs.loading}>Refresh</button>
        </div>
      </form>
      <section className="card">
        {!filterError && <ErrorNotice error={logs.error} />}
        {logs.data && logs.data.items.length === 0 && <p className="empty">No requests match.</p>}
        {logs.data && logs.data.items.length > 0 && (
          <table className="table compact" aria-label="Request log">
            <thead>
              <tr><th>Time</th><th>Method</th><th>Path</th><th>Status</th><th>Duration</th><th>Principal</th><th>IP</th></tr>
            </thead>
            <tbody>
              {logs.data.items.map((entry) => (
                <tr key={entry.id} title={`Request ID: ${entry.requestId}`}>
                  <td className="nowrap">{formatDate(entry.createdAt)}</td>
                  <td><code>{entry.method}</code></td>
                  <td className="mono path">{entry.path}</td>
                  <td><HttpStatus status={entry.status} /></td>
                  <td className="nowrap num">{formatDuration(entry.durationMs)}</td>
                  <td className="principal" title={entry.principal}>{entry.principal}</td>
                  <td className="mono">{entry.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
