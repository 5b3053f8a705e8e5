import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue.port.js';
import { type MailMessage, Mailer } from './mailer.port.js';

/** Mail always leaves through the `mail.send` job, so a failing SMTP server means a retry, not a lost message. */
@Injectable()
export class MailService implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    this.queue.handle('mail.send', (message) => this.mailer.send(message));
  }

  async send(message: MailMessage, idempotencyKey?: string): Promise<string> {
    return this.queue.enqueue('mail.send', message, { idempotencyKey });
  }
}
