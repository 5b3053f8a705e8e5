import type { Field } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Executor } from '../../collections/records/request-scope.js';
import type { FileHolder } from '../../collections/records/file-field-guard.js';
import type { SqlParams } from '../../collections/query/filter-context.js';
import { isMulti, quoteIdent, tableRef } from '../../collections/schema/collection-schema.js';
import { FILE_ALIAS as F } from '../file-rules.js';

/** A file as a claim sees it: who holds it, if anyone. */
export interface ClaimableFile {
  id: string;
  attachedCollection: string | null;
  attachedRecord: string | null;
}

/** Where a file is attached. */
export interface Attachment {
  bucket: string;
  collection: string;
  record: string;
}

/** A collection as stored right now (not as this node's registry last loaded it). */
export interface StoredCollection {
  id: string;
  name: string;
  fields: Field[];
  version: number;
}

/**
 * The attachment columns of basalt.files, and the fresh reads of basalt.collections and record
 * rows that deciding "does the record still hold it" needs. Every method takes the executor it
 * must run on: inside a transaction its manager (PGlite has one connection).
 */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Ready files of the bucket among `ids` for which `accessSql` holds (parameters after $2),
   * locked until the writing transaction ends, so two records cannot both take the same file.
   */
  async lockReadable(db: Executor, bucket: string, ids: string[], accessSql: string, params: SqlParams): Promise<Map<string, ClaimableFile>> {
    const rows: ClaimableFile[] = await db.query(
      `SELECT ${F}."id", ${F}."attachedCollection", ${F}."attachedRecord" FROM basalt.files ${F}
       WHERE ${F}."bucket" = $1 AND ${F}."id" = ANY($2::uuid[]) AND ${F}."status" = 'ready' AND ${accessSql} FOR UPDATE OF ${F}`,
      [bucket, ids, ...params.values],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Attaches the ids that are not attached yet. */
  async attach(db: Executor, ids: string[], holder: FileHolder, fieldId: string): Promise<void> {
    if (ids.length === 0) return;
    await db.query(
      `UPDATE basalt.files SET "attachedCollection" = $2, "attachedRecord" = $3, "attachedField" = $4
       WHERE "id" = ANY($1::uuid[]) AND "attachedCollection" IS NULL`,
      [ids, holder.collectionId, holder.recordId, fieldId],
    );
  }

  async attachmentOf(fileId: string): Promise<Attachment | null> {
    const [row] = await this.ds.query(
      `SELECT "bucket", "attachedCollection" AS "collection", "attachedRecord" AS "record" FROM basalt.files WHERE "id" = $1 AND "attachedCollection" IS NOT NULL`,
      [fileId],
    );
    return (row as Attachment | undefined) ?? null;
  }

  async collection(db: Executor, id: string): Promise<StoredCollection | null> {
    const [row] = await db.query('SELECT id, name, fields, version FROM basalt.collections WHERE id = $1', [id]);
    return (row as StoredCollection | undefined) ?? null;
  }

  async collections(): Promise<StoredCollection[]> {
    return this.ds.query('SELECT id, name, fields, version FROM basalt.collections ORDER BY id');
  }

  /** The record's file columns, share-locked so no write to it can commit before this transaction ends; null if it is gone. */
  async lockFileColumns(db: Executor, collection: StoredCollection, recordId: string): Promise<Record<string, unknown> | null> {
    const columns = ['"id"', ...fileFields(collection).map((f) => quoteIdent(f.name))];
    const [row] = await db.query(`SELECT ${columns.join(', ')} FROM ${tableRef(collection.name)} WHERE "id" = $1 FOR SHARE`, [recordId]);
    return (row as Record<string, unknown> | undefined) ?? null;
  }

  /** Deletes the file row if it is still attached where `a` says; returns whether it did. */
  async deleteIfAttached(db: Executor, fileId: string, a: Attachment): Promise<boolean> {
    const [rows] = await db.query(
      'DELETE FROM basalt.files WHERE "id" = $1 AND "attachedCollection" = $2 AND "attachedRecord" = $3 RETURNING "id"',
      [fileId, a.collection, a.record],
    );
    return rows.length > 0;
  }

  /** Deletes up to `limit` files attached to collections that no longer exist; returns them. */
  async deleteOfDroppedCollections(limit: number): Promise<Array<{ id: string; bucket: string }>> {
    const [rows] = await this.ds.query(
      `DELETE FROM basalt.files WHERE "id" IN (
         SELECT f."id" FROM basalt.files f WHERE f."attachedCollection" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM basalt.collections c WHERE c.id = f."attachedCollection")
         LIMIT $1)
       RETURNING "id", "bucket"`,
      [limit],
    );
    return rows;
  }

  /** One page (by id, after `after`) of the files attached to the collection: their ids. */
  async attachedPage(collectionId: string, after: string, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT "id" FROM basalt.files WHERE "attachedCollection" = $1 AND "id" > $2 ORDER BY "id" LIMIT $3`,
      [collectionId, after, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Among `ids` (files attached to the collection), those whose record is gone or holds them in no file field. */
  async unheld(collection: StoredCollection, ids: string[]): Promise<string[]> {
    const holds = fileFields(collection).map((f) => (isMulti(f) ? `f."id"::text = ANY(r.${quoteIdent(f.name)})` : `r.${quoteIdent(f.name)} = f."id"::text`));
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT f."id" FROM basalt.files f WHERE f."id" = ANY($1::uuid[]) AND f."attachedCollection" = $2
         AND NOT EXISTS (SELECT 1 FROM ${tableRef(collection.name)} r WHERE r."id" = f."attachedRecord" AND (${holds.join(' OR ') || 'FALSE'}))`,
      [ids, collection.id],
    );
    return rows.map((r) => r.id);
  }
}

export function fileFields(collection: StoredCollection): Field[] {
  return collection.fields.filter((f) => f.type === 'file');
}

/** The file ids a record's file columns hold. */
export function heldIds(row: Record<string, unknown>, collection: StoredCollection): Set<string> {
  return new Set(fileFields(collection).flatMap((f) => idsOf(row[f.name])));
}

export function idsOf(value: unknown): string[] {
  return [value].flat().filter((v): v is string => typeof v === 'string' && v !== '').map((v) => v.toLowerCase());
}
