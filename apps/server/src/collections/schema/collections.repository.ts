import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CollectionSchema } from './collection-schema.js';

const COLUMNS = `id, name, kind, fields, indexes, rules, version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The `basalt.collections` registry table. Writes take the transaction's manager so DDL and registry commit together. */
@Injectable()
export class CollectionsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inside a transaction pass its manager: with PGlite's single connection, another query would wait on it forever. */
  async all(em: EntityManager = this.ds.manager): Promise<CollectionSchema[]> {
    return em.query(`SELECT ${COLUMNS} FROM basalt.collections ORDER BY created_at, name`);
  }

  async insert(em: EntityManager, s: CollectionSchema): Promise<void> {
    await em.query(
      `INSERT INTO basalt.collections (id, name, kind, fields, indexes, rules, version) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, s.name, s.kind, JSON.stringify(s.fields), JSON.stringify(s.indexes), JSON.stringify(s.rules), s.version],
    );
  }

  /** Compare-and-set on the version, so two admins editing at once cannot both win. */
  async update(em: EntityManager, s: CollectionSchema, expectedVersion: number): Promise<boolean> {
    const [, affected]: [unknown[], number] = await em.query(
      `UPDATE basalt.collections SET name = $2, fields = $3, indexes = $4, rules = $5, version = $6, updated_at = now()
       WHERE id = $1 AND version = $7`,
      [s.id, s.name, JSON.stringify(s.fields), JSON.stringify(s.indexes), JSON.stringify(s.rules), s.version, expectedVersion],
    );
    return affected > 0;
  }

  async delete(em: EntityManager, id: string): Promise<void> {
    await em.query('DELETE FROM basalt.collections WHERE id = $1', [id]);
  }

  /** Serialises schema changes across nodes for the rest of the transaction. */
  async lockForSchemaChange(em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [0x6261_7363]);
  }
}
