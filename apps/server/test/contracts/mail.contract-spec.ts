import { SmtpMailer } from '../../src/infra/mail/smtp-mailer.driver.js';
import { mailerContract } from './mail.contract.js';
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

// The outbox driver (OutboxMailer) runs the same mailerContract in its own describe, added by its owner.
