import type { OutboxMail } from '@basalt/contracts';
import type { DataSource } from 'typeorm';
import { uuidv7 } from '../../common/ids.js';
import type { MailMessage } from './mailer.port.js';

/** The `basalt.mail_outbox` table: where mail is kept when no SMTP server is configured. */
export class MailOutbox {
  constructor(private readonly ds: DataSource) {}

  async add(m: MailMessage): Promise<void> {
    await this.ds.query('INSERT INTO basalt.mail_outbox (id, recipient, subject, text, html) VALUES ($1, $2, $3, $4, $5)', [
      uuidv7(),
      m.to,
      m.subject,
      m.text,
      m.html ?? null,
    ]);
  }

  /** Newest first. */
  async recent(limit: number): Promise<OutboxMail[]> {
    const rows = await this.ds.query(
      'SELECT id, recipient, subject, text, html, created_at FROM basalt.mail_outbox ORDER BY created_at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      to: r.recipient as string,
      subject: r.subject as string,
      text: r.text as string,
      html: (r.html as string | null) ?? null,
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1 FROM basalt.mail_outbox LIMIT 1');
  }
}
