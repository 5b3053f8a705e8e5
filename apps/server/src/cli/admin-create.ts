import { uuidv7 } from '../common/ids.js';
import { hashPassword } from '../common/password.js';
import type { AppConfig } from '../config/app-config.js';
import { ADMIN_PASSWORD_MIN } from '../admin/admin.constants.js';
import { BootError } from './boot.js';
import { openDatabase } from './boot.js';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';

/** `basalt admin create --email E --password P`: works on a stopped server (embedded) or any node (scaled). */
export async function adminCreate(config: AppConfig, log: Logger, email: string | undefined, password: string | undefined): Promise<void> {
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new BootError('--email', 'must be an email address');
  if (!password || password.length < ADMIN_PASSWORD_MIN) throw new BootError('--password', `must be at least ${ADMIN_PASSWORD_MIN} characters`);
  const db = await openDatabase(config, log);
  const ds = await new DataSource(db.options).initialize();
  try {
    const rows = await ds.query(
      'INSERT INTO basalt.admins (id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id',
      [uuidv7(), email.toLowerCase(), await hashPassword(password)],
    );
    if (rows.length === 0) throw new BootError('--email', `an admin with email ${email} already exists`);
    process.stdout.write(`Created admin ${email.toLowerCase()}\n`);
  } finally {
    await ds.destroy();
    await db.server.close();
  }
}
