import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AdminRow {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = 'id, email, password_hash AS "passwordHash", created_at AS "createdAt", updated_at AS "updatedAt"';

@Injectable()
export class AdminsRepository {
  constructor(private readonly ds: DataSource) {}

  async findByEmail(email: string): Promise<AdminRow | null> {
    const [row] = await this.ds.query(`SELECT ${COLUMNS} FROM basalt.admins WHERE email = $1`, [email.toLowerCase()]);
    return row ?? null;
  }

  async findById(id: string): Promise<AdminRow | null> {
    const [row] = await this.ds.query(`SELECT ${COLUMNS} FROM basalt.admins WHERE id = $1`, [id]);
    return row ?? null;
  }

  async list(): Promise<AdminRow[]> {
    return this.ds.query(`SELECT ${COLUMNS} FROM basalt.admins ORDER BY created_at`);
  }

  async count(): Promise<number> {
    const [{ n }] = await this.ds.query('SELECT count(*)::int AS n FROM basalt.admins');
    return n;
  }

  /** Returns null when the email is taken. */
  async insert(id: string, email: string, passwordHash: string): Promise<AdminRow | null> {
    const [row] = await this.ds.query(
      `INSERT INTO basalt.admins (id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [id, email.toLowerCase(), passwordHash],
    );
    return row ?? null;
  }

  /** Inserts only while no admin exists, atomically: the first-run setup cannot create two. */
  async insertFirst(id: string, email: string, passwordHash: string): Promise<AdminRow | null> {
    return this.ds.transaction(async (em) => {
      await em.query('LOCK TABLE basalt.admins IN EXCLUSIVE MODE');
      const [{ n }] = await em.query('SELECT count(*)::int AS n FROM basalt.admins');
      if (n > 0) return null;
      const [row] = await em.query(`INSERT INTO basalt.admins (id, email, password_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [
        id,
        email.toLowerCase(),
        passwordHash,
      ]);
      return row;
    });
  }
}
