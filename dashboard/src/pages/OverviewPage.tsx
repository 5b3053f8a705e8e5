import type { ReadinessResponse } from '@basalt/contracts';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { useSession } from '../session';
import { useApi } from '../useApi';

const LABELS: Record<string, string> = { database: 'Database', queue: 'Job queue', events: 'Events', blobs: 'File storage', mail: 'Mail' };

export function OverviewPage() {
  const { admin } = useSession();
  // The readiness check answers 503 with the same body when a dependency is down.
  const ready = useApi<ReadinessResponse>('/api/health/ready', { okStatuses: [503] });

  return (
    <>
      <PageHeader
        title="Overview"
        description={`Signed in as ${admin.email}.`}
        actions={<button type="button" className="secondary" onClick={ready.reload} disabled={ready.loading}>Refresh</button>}
      />
      <section className="card">
        <div className="card-title">
          <h2>Service health</h2>
          {ready.data && <StatusBadge value={ready.data.status} />}
        </div>
        <ErrorNotice error={ready.error} />
        {ready.data && (
          <table className="table" aria-label="Service health">
            <thead>
              <tr><th>Dependency</th><th>Status</th><th>Driver</th><th>Error</th></tr>
            </thead>
            <tbody>
              {Object.entries(ready.data.checks).map(([name, check]) => (
                <tr key={name} data-dependency={name}>
                  <td>{LABELS[name] ?? name}</td>
                  <td><StatusBadge value={check.status} /></td>
                  <td><code>{check.driver}</code></td>
                  <td className="error-text">{check.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!ready.data && ready.loading && <p className="muted">Checking…</p>}
      </section>
    </>
  );
}
