import type { Mailer } from '../../src/infra/mail/mailer.port.js';

/** A message as the receiving side saw it (line ends normalised to \n). */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailerUnderTest {
  mailer: Mailer;
  /** Every message this mailer delivered so far, oldest first. */
  received: () => Promise<ReceivedMail[]>;
}

/**
 * The Mailer contract, run against every driver (smtp here; the outbox driver reuses it).
 * `makeMailer` returns a fresh mailer and a way to read what it delivered; the suite closes the
 * mailer after each test.
 */
export function mailerContract(makeMailer: () => Promise<MailerUnderTest>): void {
  let mailer: Mailer;
  let received: () => Promise<ReceivedMail[]>;

  beforeEach(async () => {
    ({ mailer, received } = await makeMailer());
  });

  afterEach(async () => {
    await mailer.close();
  });

  it('delivers a text message to its recipient with its subject', async () => {
    await mailer.send({ to: 'alice@example.com', subject: 'Verify your email', text: 'Your code is 123456.\nIt expires in 10 minutes.' });

    await expect(received()).resolves.toEqual([
      { to: 'alice@example.com', subject: 'Verify your email', text: 'Your code is 123456.\nIt expires in 10 minutes.' },
    ]);
  });

  it('delivers the html alternative with the text', async () => {
    await mailer.send({ to: 'bob@example.com', subject: 'Reset', text: 'Open the link.', html: '<p>Open <a href="https://example.com/r?t=1">the link</a>.</p>' });

    await expect(received()).resolves.toEqual([
      { to: 'bob@example.com', subject: 'Reset', text: 'Open the link.', html: '<p>Open <a href="https://example.com/r?t=1">the link</a>.</p>' },
    ]);
  });

  it('keeps non-ASCII text and long lines intact', async () => {
    const text = `Grüße aus Zürich – ✓ 日本語\n${'long line '.repeat(40).trim()}`;
    await mailer.send({ to: 'carol@example.com', subject: 'Grüße – ✓ 日本語 subject that is long enough to be folded by the encoder', text });

    const [mail] = await received();
    expect(mail).toEqual({ to: 'carol@example.com', subject: 'Grüße – ✓ 日本語 subject that is long enough to be folded by the encoder', text });
  });

  it('delivers each message once, in the order sent', async () => {
    for (const n of [1, 2, 3]) await mailer.send({ to: `user${n}@example.com`, subject: `Message ${n}`, text: `Body ${n}` });

    const mails = await received();
    expect(mails.map((m) => [m.to, m.subject, m.text])).toEqual([
      ['user1@example.com', 'Message 1', 'Body 1'],
      ['user2@example.com', 'Message 2', 'Body 2'],
      ['user3@example.com', 'Message 3', 'Body 3'],
    ]);
  });

  it('answers ping and names its driver', async () => {
    await expect(mailer.ping()).resolves.toBeUndefined();
    expect(['smtp', 'outbox']).toContain(mailer.driver);
  });
}
