import type { RequestLogEntry } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { compileScalarFilter, type ScalarField } from '../common/filter-sql.js';

/** What `filter=` may name on the request log. */
const LOG_FIELDS: Record<string, ScalarField> = {
  method: { column: 'method', type: 'text' },
  path: { column: 'path', type: 'text' },
  status: { column: 'status', type: 'number' },
  durationMs: { column: 'duration_ms', type: 'number' },
  principal: { column: 'principal', type: 'text' },
  ip: { column: 'ip', type: 'text' },
  requestId: { column: 'request_id', type: 'text' },
  createdAt: { column: 'created_at', type: 'date' },
};

@Injectable()
export class RequestLogsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Newest first. */
  async list(filter: string, limit: number): Promise<RequestLogEntry[]> {
    const where = compileScalarFilter(filter, LOG_FIELDS, 1);
    const rows = await this.ds.query(
      `SELECT id, method, path, status, duration_ms, principal, ip, request_id, created_at FROM basalt.request_logs
       ${where ? `WHERE ${where.sql}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, ...(where?.params ?? [])],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      method: r.method as string,
      path: r.path as string,
      status: r.status as number,
      durationMs: r.duration_ms as number,
      principal: r.principal as string,
      ip: r.ip as string,
      requestId: r.request_id as string,
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }
}
