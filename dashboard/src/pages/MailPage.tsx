import { useEffect, useState } from 'react';
import type { ListResponse, OutboxMail } from '@basalt/contracts';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { formatDate } from '../format';
import type { PageProps } from '../routes';
import { Link, navigate } from '../router';
import { useApi } from '../useApi';
import { MailDetail } from './mail/MailDetail';
import { TestMailForm } from './mail/TestMailForm';

/** Mail is sent by a background job, so after a test send the outbox is polled for a little while. */
const POLL_EVERY_MS = 1000;
const POLL_FOR_MS = 10000;

export function MailPage({ params }: PageProps) {
  const mail = useApi<ListResponse<OutboxMail>>('/api/admin/mail');
  const [pollUntil, setPollUntil] = useState(0);
  const [countAtSend, setCountAtSend] = useState(0);
  const items = mail.data?.items ?? [];
  const { reload } = mail;

  useEffect(() => {
    if (pollUntil === 0) return;
    if (items.length > countAtSend || Date.now() > pollUntil) {
      setPollUntil(0);
      return;
    }
    const timer = window.setTimeout(reload, POLL_EVERY_MS);
    return () => window.clearTimeout(timer);
  }, [pollUntil, countAtSend, items.length, reload, mail.data]);

  const selectedId = params[0];
  if (selectedId) {
    const message = items.find((m) => m.id === selectedId);
    return (
      <>
        <PageHeader title="Mail" actions={<Link to="/mail" className="button secondary">Back to the outbox</Link>} />
        <ErrorNotice error={mail.error} />
        {message && <MailDetail mail={message} />}
        {!message && !mail.loading && <p className="empty">This message is not in the outbox any more.</p>}
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Mail"
        description="The outbox: messages kept by the server while no SMTP server is set, newest first."
        actions={<button type="button" className="secondary" onClick={reload} disabled={mail.loading}>Refresh</button>}
      />
      <TestMailForm
        onSent={() => {
          setCountAtSend(items.length);
          setPollUntil(Date.now() + POLL_FOR_MS);
          reload();
        }}
      />
      <section className="card">
        <ErrorNotice error={mail.error} />
        {mail.data && items.length === 0 && <p className="empty">The outbox is empty.</p>}
        {items.length > 0 && (
          <table className="table clickable" aria-label="Outbox">
            <thead>
              <tr><th>To</th><th>Subject</th><th>Created</th></tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/mail/${m.id}`)}>
                  <td>{m.to}</td>
                  <td><Link to={`/mail/${m.id}`}>{m.subject || '(no subject)'}</Link></td>
                  <td className="nowrap">{formatDate(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
