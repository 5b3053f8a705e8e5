import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type FinishedRequest, RequestObservers } from '../common/http/request-observers.js';
import { uuidv7 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';

const FLUSH_EVERY_MS = 1000;
const MAX_BATCH = 200;
/** Under a flood the log drops entries rather than grow without bound; the pino log keeps every line. */
const MAX_PENDING = 5000;
const KEEP_DAYS = 7;
const NOT_LOGGED = /^\/(api\/health|metrics|_)(\/|$)/;

/** Buffers finished requests and writes them to `basalt.request_logs` in batches, off the request path. */
@Injectable()
export class RequestLogWriter implements OnModuleInit, OnApplicationShutdown {
  private pending: FinishedRequest[] = [];
  private timer?: NodeJS.Timeout;
  private lastPrune = 0;

  constructor(
    private readonly observers: RequestObservers,
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.observers.add((r) => {
      if (NOT_LOGGED.test(r.path) || this.pending.length >= MAX_PENDING) return;
      this.pending.push(r);
      if (this.pending.length >= MAX_BATCH) void this.flush();
    });
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, MAX_BATCH);
      // One array per column: a short statement Postgres parses the same way every time, not a
      // VALUES list of 1 600 parameters (the log writes a row per request: thousands per second).
      const columns: unknown[][] = [[], [], [], [], [], [], [], []];
      for (const r of batch) {
        const row = [uuidv7(), r.method, r.path.slice(0, 2000), r.status, r.durationMs, r.principal, r.ip, r.requestId];
        for (let c = 0; c < row.length; c++) columns[c]!.push(row[c]);
      }
      await this.ds
        .query(
          `INSERT INTO basalt.request_logs (id, method, path, status, duration_ms, principal, ip, request_id)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[])`,
          columns,
        )
        .catch((err) => this.log.warn({ err, dropped: batch.length }, 'could not write request log'));
    }
    await this.prune();
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < 3600_000) return;
    this.lastPrune = Date.now();
    await this.ds
      .query(`DELETE FROM basalt.request_logs WHERE created_at < now() - ($1::int * interval '1 day')`, [KEEP_DAYS])
      .catch((err) => this.log.warn({ err }, 'could not prune request log'));
  }
}
