import { useState, type FormEvent } from 'react';
import { PUSH_PLATFORMS, type Device } from '@basalt/contracts';
import { request } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { formatDate, shortId } from '../format';
import { useCursorList } from '../useCursorList';
import { useRowAction } from '../useRowAction';
import { PushTabs } from './push/PushTabs';

type DeviceFilter = { userId: string; topic: string; platform: string };
const NO_FILTER: DeviceFilter = { userId: '', topic: '', platform: '' };

/** `/push/devices`: every registered app install, filtered by user, topic or platform. */
export function PushDevicesPage() {
  const [draft, setDraft] = useState<DeviceFilter>(NO_FILTER);
  const [filter, setFilter] = useState<DeviceFilter>(NO_FILTER);
  const devices = useCursorList<Device>('/api/push/devices', { ...filter, limit: 100 });
  const remove = useRowAction(async (device: Device) => {
    await request<void>('DELETE', `/api/push/devices/${encodeURIComponent(device.id)}`);
    return `Device ${shortId(device.id)} removed`;
  }, devices.reload);

  function apply(e: FormEvent) {
    e.preventDefault();
    const next = { userId: draft.userId.trim(), topic: draft.topic.trim(), platform: draft.platform };
    if (JSON.stringify(next) === JSON.stringify(filter)) devices.reload();
    else setFilter(next);
  }

  return (
    <>
      <PageHeader title="Push" description="Devices: app installs registered by users and guests." actions={<PushTabs current="devices" />} />
      <form className="card" onSubmit={apply} aria-label="Filter devices">
        <div className="inline-form">
          <div className="field grow">
            <label htmlFor="devices-user">User id</label>
            <input id="devices-user" className="mono" value={draft.userId} onChange={(e) => setDraft({ ...draft, userId: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="devices-topic">Topic</label>
            <input id="devices-topic" value={draft.topic} onChange={(e) => setDraft({ ...draft, topic: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="devices-platform">Platform</label>
            <select id="devices-platform" value={draft.platform} onChange={(e) => setDraft({ ...draft, platform: e.target.value })}>
              <option value="">all</option>
              {PUSH_PLATFORMS.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </div>
          <button type="submit" disabled={devices.loading}>Apply</button>
        </div>
      </form>
      <section className="card">
        <ErrorNotice error={devices.error} />
        {!devices.loading && !devices.error && devices.items.length === 0 && <p className="empty">No devices registered.</p>}
        {devices.items.length > 0 && (
          <div className="table-scroll">
            <table className="table" aria-label="Devices">
              <thead>
                <tr><th>Id</th><th>Platform</th><th>Token</th><th>User</th><th>Topics</th><th>Updated</th><th /></tr>
              </thead>
              <tbody>
                {devices.items.map((d) => (
                  <tr key={d.id}>
                    <td><code title={d.id}>{shortId(d.id)}</code></td>
                    <td>{d.platform}</td>
                    <td><code title={d.token}>{d.token.length > 24 ? `${d.token.slice(0, 24)}…` : d.token}</code></td>
                    <td>{d.userId ? <code title={d.userId}>{shortId(d.userId)}</code> : <span className="muted">guest</span>}</td>
                    <td>{d.topics.map((t) => <span key={t} className="chip">{t}</span>)}</td>
                    <td className="nowrap">{formatDate(d.updatedAt)}</td>
                    <td className="row-actions">
                      <ConfirmButton label="Remove" question="Remove this device?" confirmLabel="Yes, remove" busy={remove.busyId === d.id} onConfirm={() => void remove.run(d)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorNotice error={devices.moreError} />
        {devices.hasMore && (
          <div className="list-footer">
            <span className="muted">Showing {devices.items.length}</span>
            <button type="button" className="secondary" disabled={devices.loadingMore} onClick={devices.loadMore}>
              {devices.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
