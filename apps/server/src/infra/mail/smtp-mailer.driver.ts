import { createTransport } from 'nodemailer';
import { type MailMessage, Mailer } from './mailer.port.js';

export interface SmtpMailerOptions {
  /** Connection URL as nodemailer reads it, e.g. `smtps://user:pass@smtp.example.com:465`. */
  url: string;
  /** The From address of every message. */
  from: string;
  /** How long ping() waits for the server. Default 5000 ms (nodemailer's own timeouts are minutes). */
  pingTimeoutMs?: number;
  /** Told about transport errors that belong to no send(); defaults to console.warn. */
  onError?: (err: Error) => void;
}

/** Sends through an SMTP server with nodemailer, one connection per message (no pool). */
export class SmtpMailer extends Mailer {
  readonly driver = 'smtp';
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly from: string;
  private readonly pingTimeoutMs: number;

  constructor(options: SmtpMailerOptions) {
    super();
    this.from = options.from;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
    this.transport = createTransport(options.url);
    // Without a listener an 'error' event would crash the process.
    const onError = options.onError ?? ((err: Error) => console.warn(`smtp mailer: ${err.message}`));
    this.transport.on('error', onError);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
    });
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`SMTP server did not answer within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    try {
      await Promise.race([this.transport.verify(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
