import { useEffect, useState } from 'react';
import type { PushMessage, PushMessageStatus, PushTarget } from '@basalt/contracts';
import { request } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate, shortId } from '../format';
import type { PageProps } from '../routes';
import { useCursorList } from '../useCursorList';
import { useRowAction } from '../useRowAction';
import { PushDevicesPage } from './PushDevicesPage';
import { PushTabs } from './push/PushTabs';
import { SendPushForm } from './push/SendPushForm';

const STATUSES: PushMessageStatus[] = ['queued', 'sending', 'done', 'failed', 'cancelled'];
const TONES: Record<PushMessageStatus, 'good' | 'bad' | 'neutral' | 'warn'> = { queued: 'neutral', sending: 'warn', done: 'good', failed: 'bad', cancelled: 'neutral' };
/** How often the list refreshes while a message is on its way (sending, or queued for now). */
const REFRESH_MS = 1500;

/** `/push` (messages) and `/push/devices`. */
export function PushPage({ params }: PageProps) {
  if (params[0] === 'devices') return <PushDevicesPage />;
  return <PushMessagesPage />;
}

function PushMessagesPage() {
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const messages = useCursorList<PushMessage>('/api/push/messages', { status, limit: 30 });
  const cancel = useRowAction(async (message: PushMessage) => {
    await request<PushMessage>('DELETE', `/api/push/messages/${encodeURIComponent(message.id)}`);
    return `Message ${shortId(message.id)} cancelled`;
  }, messages.reload);

  // Sending happens on the job queue: follow the messages still on their way until they settle.
  const inFlight = messages.items.some((m) => m.status === 'sending' || (m.status === 'queued' && !isScheduled(m)));
  const { reload } = messages;
  useEffect(() => {
    if (!inFlight || messages.loading) return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [inFlight, messages.loading, messages.items, reload]);

  return (
    <>
      <PageHeader
        title="Push"
        description="Notifications to app installs through FCM, APNs and Web Push. Credentials are on the Settings page."
        actions={
          <>
            <PushTabs current="messages" />
            {!sending && <button type="button" onClick={() => setSending(true)}>Send a message</button>}
          </>
        }
      />
      {sending && (
        <SendPushForm
          onCancel={() => setSending(false)}
          onSent={() => {
            setSending(false);
            messages.reload();
          }}
        />
      )}
      <section className="card">
        <div className="inline-form">
          <div className="field">
            <label htmlFor="push-status">Status</label>
            <select id="push-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">all</option>
              {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </div>
          <button type="button" className="secondary" disabled={messages.loading} onClick={messages.reload}>Refresh</button>
        </div>
        <ErrorNotice error={messages.error} />
        {!messages.loading && !messages.error && messages.items.length === 0 && (
          <p className="empty">{status ? `No ${status} messages.` : 'No messages sent yet.'}</p>
        )}
        {messages.items.length > 0 && (
          <div className="table-scroll">
            <table className="table" aria-label="Push messages">
              <thead>
                <tr>
                  <th>Title</th><th>Target</th><th>Status</th>
                  <th className="num">Targeted</th><th className="num">Sent</th><th className="num">Failed</th><th className="num">Invalid tokens</th>
                  <th>Send at</th><th />
                </tr>
              </thead>
              <tbody>
                {messages.items.map((m) => (
                  <tr key={m.id}>
                    <td className="strong" title={`${m.notification.body}\n\nCreated ${formatDate(m.createdAt)}`}>{m.notification.title}</td>
                    <td>{describeTarget(m.target)}</td>
                    <td><StatusBadge value={m.status} tone={TONES[m.status]} /></td>
                    <td className="num">{m.counts.targeted}</td>
                    <td className="num">{m.counts.sent}</td>
                    <td className="num">{m.counts.failed}</td>
                    <td className="num">{m.counts.invalidTokens}</td>
                    <td className="nowrap">{m.sendAt ? formatDate(m.sendAt) : <span className="muted" title={formatDate(m.createdAt)}>at once</span>}</td>
                    <td className="row-actions">
                      {m.status === 'queued' && (
                        <ConfirmButton label="Cancel" question="Cancel this message?" confirmLabel="Yes, cancel it" busy={cancel.busyId === m.id} onConfirm={() => void cancel.run(m)} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorNotice error={messages.moreError} />
        {messages.hasMore && (
          <div className="list-footer">
            <span className="muted">Showing {messages.items.length}</span>
            <button type="button" className="secondary" disabled={messages.loadingMore} onClick={messages.loadMore}>
              {messages.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </>
  );
}

function isScheduled(m: PushMessage): boolean {
  return m.sendAt !== null && new Date(m.sendAt).getTime() > Date.now();
}

function describeTarget(target: PushTarget) {
  const parts: string[] = [];
  if (target.topics?.length) parts.push(`topics: ${target.topics.join(', ')}`);
  if (target.users?.length) parts.push(`${target.users.length} user${target.users.length === 1 ? '' : 's'}`);
  if (target.devices?.length) parts.push(`${target.devices.length} device${target.devices.length === 1 ? '' : 's'}`);
  return <span className="small-text">{parts.join(' · ')}</span>;
}
