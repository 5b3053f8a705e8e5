import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.js';
import { JobQueue } from '../queue/job-queue.port.js';
import { type MailMessage, Mailer } from './mailer.port.js';
import { SmtpMailer } from './smtp-mailer.driver.js';

export interface SmtpSettings {
  url: string;
  from: string;
}

/**
 * Mail always leaves through the `mail.send` job, so a failing SMTP server means a retry, not a lost
 * message. The transport is BASALT_SMTP_URL when set; otherwise SMTP from the admin settings when an
 * admin configured it; otherwise the outbox.
 */
@Injectable()
export class MailService implements OnModuleInit, OnApplicationShutdown {
  private fromSettings?: { key: string; mailer: SmtpMailer };

  constructor(
    private readonly queue: JobQueue,
    private readonly configured: Mailer,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.queue.handle('mail.send', (message) => this.active().send(message));
  }

  async send(message: MailMessage, idempotencyKey?: string): Promise<string> {
    return this.queue.enqueue('mail.send', message, { idempotencyKey });
  }

  /** Applies the `smtp` settings group; the environment's SMTP, when set, always wins. */
  useSmtpSettings(smtp: SmtpSettings | null): void {
    const key = smtp ? `${smtp.url}\n${smtp.from}` : '';
    if ((this.fromSettings?.key ?? '') === key) return;
    const previous = this.fromSettings?.mailer;
    this.fromSettings = smtp ? { key, mailer: new SmtpMailer({ ...smtp, onError: (err) => this.log.warn({ err }, 'SMTP transport error') }) } : undefined;
    void previous?.close();
  }

  active(): Mailer {
    return this.configured.driver === 'smtp' || !this.fromSettings ? this.configured : this.fromSettings.mailer;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fromSettings?.mailer.close();
  }
}
