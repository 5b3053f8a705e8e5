import { createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * Node refuses request lines over 16 KiB with a bare 431 before any of our code runs. Filters travel
 * in the query string, so the limit is raised to let an oversized filter reach the filter parser and
 * get a proper `invalid_filter` answer (it checks the length before doing any work).
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export class BasaltExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    this.httpServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, this.getInstance());
  }
}
