import type { Bucket, BucketRules, BucketStats } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Executor } from '../collections/records/request-scope.js';

/** A bucket as stored; the same shape as the wire type. */
export type BucketRecord = Bucket;

const COLUMNS = 'name, public, max_file_size, allowed_types, rules, created_at, updated_at';

/** The only code that touches basalt.buckets. */
@Injectable()
export class BucketsRepository {
  constructor(private readonly ds: DataSource) {}

  async all(): Promise<BucketRecord[]> {
    const rows = await this.ds.query(`SELECT ${COLUMNS} FROM basalt.buckets ORDER BY name`);
    return rows.map(toBucket);
  }

  async find(name: string, db: Executor = this.ds): Promise<BucketRecord | null> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM basalt.buckets WHERE name = $1`, [name]);
    return row ? toBucket(row) : null;
  }

  /** Returns null when the name is taken. */
  async insert(b: Omit<BucketRecord, 'createdAt' | 'updatedAt'>): Promise<BucketRecord | null> {
    const rows = await this.ds.query(
      `INSERT INTO basalt.buckets (name, public, max_file_size, allowed_types, rules) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [b.name, b.public, b.maxFileSize, b.allowedTypes, JSON.stringify(b.rules)],
    );
    return rows[0] ? toBucket(rows[0]) : null;
  }

  async update(b: Omit<BucketRecord, 'createdAt' | 'updatedAt'>): Promise<BucketRecord | null> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.buckets SET public = $2, max_file_size = $3, allowed_types = $4, rules = $5,
         updated_at = GREATEST(date_trunc('milliseconds', clock_timestamp()), updated_at + interval '1 millisecond')
       WHERE name = $1 RETURNING ${COLUMNS}`,
      [b.name, b.public, b.maxFileSize, b.allowedTypes, JSON.stringify(b.rules)],
    );
    return rows[0] ? toBucket(rows[0]) : null;
  }

  async stats(name: string): Promise<BucketStats> {
    const [row] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE "status" = 'ready') AS files, COALESCE(sum("size") FILTER (WHERE "status" = 'ready'), 0) AS bytes,
              count(*) FILTER (WHERE "status" = 'pending') AS pending
       FROM basalt.files WHERE "bucket" = $1`,
      [name],
    );
    return { files: Number(row.files), bytes: Number(row.bytes), pending: Number(row.pending) };
  }

  /** Deletes the bucket and (by cascade) its file rows; their blobs are left to the reconciler. */
  async delete(name: string): Promise<boolean> {
    const [, affected] = await this.ds.query('DELETE FROM basalt.buckets WHERE name = $1', [name]);
    return affected > 0;
  }
}

function toBucket(r: Record<string, unknown>): BucketRecord {
  return {
    name: r.name as string,
    public: r.public as boolean,
    maxFileSize: Number(r.max_file_size),
    allowedTypes: r.allowed_types as string[],
    rules: r.rules as BucketRules,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}
