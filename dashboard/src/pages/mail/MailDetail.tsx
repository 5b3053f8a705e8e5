import type { OutboxMail } from '@basalt/contracts';
import { formatDate } from '../../format';

/** One message. Its HTML is untrusted, so it renders in an iframe with every sandbox restriction on. */
export function MailDetail({ mail }: { mail: OutboxMail }) {
  return (
    <article className="card" aria-label="Message">
      <h2>{mail.subject || '(no subject)'}</h2>
      <dl className="meta">
        <dt>To</dt><dd>{mail.to}</dd>
        <dt>Created</dt><dd>{formatDate(mail.createdAt)}</dd>
      </dl>
      <h3>Text</h3>
      <pre className="mail-text">{mail.text}</pre>
      {mail.html && (
        <>
          <h3>HTML</h3>
          <iframe className="mail-html" title="HTML version" sandbox="" srcDoc={mail.html} />
        </>
      )}
    </article>
  );
}
