export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends one message. Callers go through the `mail.send` job, so a failure is retried, not lost. */
export abstract class Mailer {
  abstract readonly driver: 'smtp' | 'outbox';
  abstract send(message: MailMessage): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
