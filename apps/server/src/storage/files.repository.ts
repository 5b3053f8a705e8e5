import type { StoredFile } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Executor } from '../collections/records/request-scope.js';
import { SqlParams } from '../collections/query/filter-context.js';
import { FILE_ALIAS as F } from './file-rules.js';

/** A file row with the columns filters, sort keys and cursors use (createdAt/updatedAt as Dates). */
export interface FileRow {
  id: string;
  bucket: string;
  name: string;
  size: number;
  contentType: string;
  etag: string;
  owner: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewFile {
  id: string;
  bucket: string;
  name: string;
  contentType: string;
  owner: string | null;
  metadata: Record<string, unknown>;
}

const COLUMNS = `${F}."id", ${F}."bucket", ${F}."name", ${F}."size", ${F}."contentType", ${F}."etag", ${F}."owner", ${F}."metadata", ${F}."createdAt", ${F}."updatedAt"`;

/** The only code that touches basalt.files. Access conditions arrive as compiled SQL over alias `f`. */
@Injectable()
export class FilesRepository {
  constructor(private readonly ds: DataSource) {}

  /** An upload begins: the row exists (pending) before any byte reaches the blob store. */
  async insertPending(f: NewFile): Promise<void> {
    await this.ds.query(
      `INSERT INTO basalt.files ("id", "bucket", "name", "contentType", "owner", "metadata", "status") VALUES ($1, $2, $3, $4, $5, $6, 'pending')`,
      [f.id, f.bucket, f.name, f.contentType, f.owner, JSON.stringify(f.metadata)],
    );
  }

  /** The bytes are stored: record what they are (still pending until the create rule has judged them). */
  async complete(id: string, fields: { size: number; etag: string; name: string | null; metadata: Record<string, unknown> }): Promise<void> {
    await this.ds.query(
      `UPDATE basalt.files SET "size" = $2, "etag" = $3, "name" = COALESCE($4, "name"), "metadata" = $5,
         "createdAt" = date_trunc('milliseconds', clock_timestamp()), "updatedAt" = date_trunc('milliseconds', clock_timestamp())
       WHERE "id" = $1`,
      [id, fields.size, fields.etag, fields.name, JSON.stringify(fields.metadata)],
    );
  }

  /** Marks the file ready if `ruleSql` (over alias f, parameters after $1) holds for it; returns the row, or null. */
  async markReady(id: string, ruleSql: string, params: SqlParams): Promise<FileRow | null> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.files ${F} SET "status" = 'ready' WHERE ${F}."id" = $1 AND ${F}."status" = 'pending' AND ${ruleSql} RETURNING ${COLUMNS}`,
      [id, ...params.values],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** A ready file of the bucket for which `accessSql` holds (parameters after $2). */
  async findReady(bucket: string, id: string, accessSql = 'TRUE', params: SqlParams = new SqlParams(2), db: Executor = this.ds): Promise<FileRow | null> {
    const [row] = await db.query(
      `SELECT ${COLUMNS} FROM basalt.files ${F} WHERE ${F}."bucket" = $1 AND ${F}."id" = $2 AND ${F}."status" = 'ready' AND ${accessSql}`,
      [bucket, id, ...params.values],
    );
    return row ? toRow(row) : null;
  }

  /** One page: `where` and `orderBy` are compiled SQL over alias f, parameters after $1 (the bucket); `limit` is bound last. */
  async page(bucket: string, where: string, orderBy: string, params: SqlParams, limit: number): Promise<FileRow[]> {
    const limitParam = params.add(limit);
    const rows = await this.ds.query(
      `SELECT ${COLUMNS} FROM basalt.files ${F} WHERE ${F}."bucket" = $1 AND ${F}."status" = 'ready' AND ${where} ORDER BY ${orderBy} LIMIT ${limitParam}`,
      [bucket, ...params.values],
    );
    return rows.map(toRow);
  }

  /** Deletes a ready file if `accessSql` holds (parameters after $2); returns whether it did. */
  async deleteReady(bucket: string, id: string, accessSql: string, params: SqlParams): Promise<boolean> {
    const [rows] = await this.ds.query(
      `DELETE FROM basalt.files ${F} WHERE ${F}."bucket" = $1 AND ${F}."id" = $2 AND ${F}."status" = 'ready' AND ${accessSql} RETURNING ${F}."id"`,
      [bucket, id, ...params.values],
    );
    return rows.length > 0;
  }

  /** Deletes a row whatever its state (cleanup, failed uploads); returns its bucket if it existed. */
  async deleteAny(id: string): Promise<string | null> {
    const [rows] = await this.ds.query('DELETE FROM basalt.files WHERE "id" = $1 RETURNING "bucket"', [id]);
    return (rows[0]?.bucket as string | undefined) ?? null;
  }

  /** Which of `ids` have a row (any state). */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.ds.query('SELECT "id" FROM basalt.files WHERE "id" = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Uploads still pending after `olderThanMs`: the process that streamed them died. */
  async stalePending(olderThanMs: number, limit: number): Promise<Array<{ id: string; bucket: string }>> {
    return this.ds.query(
      `SELECT "id", "bucket" FROM basalt.files WHERE "status" = 'pending' AND "createdAt" < now() - ($1::double precision * interval '1 millisecond') LIMIT $2`,
      [olderThanMs, limit],
    );
  }
}

function toRow(r: Record<string, unknown>): FileRow {
  return {
    id: r.id as string,
    bucket: r.bucket as string,
    name: r.name as string,
    size: Number(r.size),
    contentType: r.contentType as string,
    etag: (r.etag as string | null) ?? '',
    owner: (r.owner as string | null) ?? null,
    metadata: (r.metadata as Record<string, unknown>) ?? {},
    createdAt: r.createdAt as Date,
    updatedAt: r.updatedAt as Date,
  };
}

export function toStoredFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    bucket: row.bucket,
    name: row.name,
    size: row.size,
    contentType: row.contentType,
    etag: row.etag,
    owner: row.owner,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The blob key of a file: derived from the bucket and id only, never from the client's name. */
export function blobKeyOf(bucket: string, id: string): string {
  return `files/${bucket}/${id}`;
}
