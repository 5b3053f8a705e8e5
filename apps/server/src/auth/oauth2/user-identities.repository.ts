import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Links between a provider's account (provider name + subject) and a user, in `basalt.user_identities`. */
@Injectable()
export class UserIdentities {
  constructor(private readonly ds: DataSource) {}

  async userIdFor(provider: string, subject: string, em: EntityManager = this.ds.manager): Promise<string | null> {
    const [row] = await em.query('SELECT user_id FROM basalt.user_identities WHERE provider = $1 AND subject = $2', [provider, subject]);
    return row?.user_id ?? null;
  }

  /** Throws a unique violation (23505) when the identity is already linked, e.g. by a concurrent callback. */
  async link(em: EntityManager, identity: { provider: string; subject: string; userId: string; email: string | null }): Promise<void> {
    await em.query('INSERT INTO basalt.user_identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4)', [
      identity.provider, identity.subject, identity.userId, identity.email,
    ]);
  }
}
