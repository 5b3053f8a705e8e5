import type { FailedJob, ListResponse, OutboxMail, RequestLogEntry } from '@basalt/contracts';
import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Errors } from '../common/app-error.js';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { MailOutbox } from '../infra/mail/mail-outbox.js';
import { MailService } from '../infra/mail/mail.service.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { ListQueryDto, LogsQueryDto, JobsQueryDto, TestMailDto } from './dto/ops.dto.js';
import { RequestLogsRepository } from './request-logs.repository.js';

/** What an operator looks at: the request log, the mail outbox, failed jobs. */
@ApiTags('admin')
@Controller('admin')
@AdminOnly()
export class OpsController {
  constructor(
    private readonly logs: RequestLogsRepository,
    private readonly outbox: MailOutbox,
    private readonly mail: MailService,
    private readonly queue: JobQueue,
  ) {}

  @Get('logs')
  async listLogs(@Query() q: LogsQueryDto): Promise<ListResponse<RequestLogEntry>> {
    return { items: await this.logs.list(q.filter ?? '', q.limit ?? 100) };
  }

  @Get('mail')
  async listMail(@Query() q: ListQueryDto): Promise<ListResponse<OutboxMail>> {
    return { items: await this.outbox.recent(q.limit ?? 100) };
  }

  @Post('mail/test')
  @HttpCode(202)
  async sendTestMail(@Body() body: TestMailDto): Promise<{ jobId: string }> {
    const jobId = await this.mail.send({
      to: body.to,
      subject: 'Basalt test email',
      text: 'This is a test email from your Basalt server. If you can read it, mail delivery works.',
    });
    return { jobId };
  }

  @Get('jobs')
  async listJobs(@Query() q: JobsQueryDto): Promise<ListResponse<FailedJob>> {
    if (q.status !== 'failed') throw Errors.validation({ status: 'only status=failed can be listed' });
    return { items: await this.queue.listFailed(q.limit ?? 100) };
  }

  @Post('jobs/:id/retry')
  @HttpCode(202)
  async retryJob(@Param('id') id: string): Promise<{ id: string; status: 'waiting' }> {
    if (id.length > 200 || !(await this.queue.retry(id))) throw new NotFoundException();
    return { id, status: 'waiting' };
  }
}
