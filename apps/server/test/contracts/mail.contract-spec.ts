import { MailOutbox } from '../../src/infra/mail/mail-outbox.js';
import { OutboxMailer } from '../../src/infra/mail/outbox-mailer.driver.js';
import { SmtpMailer } from '../../src/infra/mail/smtp-mailer.driver.js';
import { freshPglite, type MigratedDatabase, openMigratedDatabase } from './database.servers.js';
import { mailerContract, type ReceivedMail } from './mail.contract.js';
import { type SmtpSink, startSmtpSink } from './mail.smtp-sink.js';

describe('SmtpMailer', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
  });

  afterAll(async () => {
    await sink.close();
  });

  mailerContract(async () => {
    sink.received.length = 0;
    return {
      mailer: new SmtpMailer({ url: sink.url, from: 'Basalt <noreply@basalt.test>' }),
      received: async () => [...sink.received],
    };
  });

  it('rejects send and ping when the server cannot be reached', async () => {
    // Port 1 refuses connections.
    const mailer = new SmtpMailer({ url: 'smtp://127.0.0.1:1', from: 'noreply@basalt.test', pingTimeoutMs: 2000, onError: () => undefined });
    try {
      await expect(mailer.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow();
      await expect(mailer.ping()).rejects.toThrow();
    } finally {
      await mailer.close();
    }
  });
});

describe('OutboxMailer on PGlite', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await openMigratedDatabase(freshPglite);
  });

  afterAll(async () => {
    await db?.close();
  });

  mailerContract(async () => {
    await db.ds.query('DELETE FROM basalt.mail_outbox');
    const outbox = new MailOutbox(db.ds);
    return {
      mailer: new OutboxMailer(outbox),
      // The outbox lists newest first; the contract reads oldest first.
      received: async () =>
        (await outbox.recent(100)).reverse().map(({ to, subject, text, html }): ReceivedMail => (html === null ? { to, subject, text } : { to, subject, text, html })),
    };
  });
});
