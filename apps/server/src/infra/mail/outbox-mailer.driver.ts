import type { MailOutbox } from './mail-outbox.js';
import { type MailMessage, Mailer } from './mailer.port.js';

/** Keeps mail in the outbox table, readable from the dashboard, when no SMTP server is configured. */
export class OutboxMailer extends Mailer {
  readonly driver = 'outbox';

  constructor(private readonly outbox: MailOutbox) {
    super();
  }

  async send(m: MailMessage): Promise<void> {
    await this.outbox.add(m);
  }

  async ping(): Promise<void> {
    await this.outbox.ping();
  }

  async close(): Promise<void> {}
}
