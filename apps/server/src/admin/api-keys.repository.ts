import type { ApiKeyScope } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ApiKeyRow {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = 'id, name, scopes, prefix, expires_at AS "expiresAt", last_used_at AS "lastUsedAt", created_at AS "createdAt"';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(row: Omit<ApiKeyRow, 'lastUsedAt' | 'createdAt'>, keyHash: string): Promise<ApiKeyRow> {
    const [created] = await this.ds.query(
      `INSERT INTO basalt.api_keys (id, name, scopes, prefix, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [row.id, row.name, row.scopes, row.prefix, keyHash, row.expiresAt],
    );
    return created;
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.ds.query(`SELECT ${COLUMNS} FROM basalt.api_keys ORDER BY created_at DESC`);
  }

  async findByHash(keyHash: string): Promise<ApiKeyRow | null> {
    const [row] = await this.ds.query(`SELECT ${COLUMNS} FROM basalt.api_keys WHERE key_hash = $1`, [keyHash]);
    return row ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const [, affected] = await this.ds.query('DELETE FROM basalt.api_keys WHERE id = $1', [id]);
    return affected > 0;
  }

  async touch(id: string): Promise<void> {
    await this.ds.query('UPDATE basalt.api_keys SET last_used_at = now() WHERE id = $1', [id]);
  }
}
