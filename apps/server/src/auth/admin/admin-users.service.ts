import type { AuthUser, Principal, RecordList, SessionInfo } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { Errors } from '../../common/app-error.js';
import { hashPassword } from '../../common/password.js';
import { RecordsService } from '../../collections/records/records.service.js';
import { AuthService, checkEmail } from '../auth.service.js';
import { CredentialsRepository } from '../credentials.repository.js';
import { OneTimeTokens } from '../one-time-tokens.repository.js';
import { SessionsService } from '../sessions.service.js';
import { UsersGateway } from '../users.gateway.js';

/**
 * The guard already decided who may manage users (admins, `users:manage` keys); the records layer is
 * then asked as the system, so a `users:manage` key needs no `records:*` scope as well.
 */
const SYSTEM: Principal = Object.freeze({ kind: 'admin', id: 'system', roles: [], scopes: ['*'] }) as Principal;
const DEFAULT_LIMIT = 30;

export interface ListUsersQuery {
  filter?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
  count?: boolean;
}

/**
 * User management for admins: users are records of `users`, written through UsersGateway (custom
 * fields validated, `record.changed` published); passwords and sessions live beside them. Changes
 * that must sign the user out everywhere (disabling, a new password, deletion) revoke its sessions
 * in the same transaction as the change. Injectable, but built by its controller until AuthModule lists it.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersGateway,
    private readonly records: RecordsService,
    private readonly credentials: CredentialsRepository,
    private readonly sessions: SessionsService,
    private readonly auth: AuthService,
    private readonly oneTimeTokens: OneTimeTokens,
  ) {}

  list(q: ListUsersQuery): Promise<RecordList> {
    return this.records.list(SYSTEM, 'users', { ...q, limit: q.limit ?? DEFAULT_LIMIT }, {});
  }

  async get(id: string): Promise<AuthUser> {
    const user = await this.users.byId(id);
    if (!user) throw Errors.notFound('user');
    return user;
  }

  /** `{email, password?, ...fields}`: protected fields (roles, emailVerified, disabled...) may be set; no password means reset-only sign-in. */
  async create(body: unknown): Promise<AuthUser> {
    const { email, password, ...fields } = asObject(body);
    const address = checkEmail(email);
    const passwordHash = password === undefined ? null : await this.hash(password);
    return this.users.transaction(async (tx) => {
      const user = await this.users.create(tx, { ...fields, email: address });
      if (passwordHash) await this.credentials.set(user.id, passwordHash, tx.em);
      return user;
    });
  }

  /**
   * Any user field plus `password`. A changed email is unverified unless `emailVerified` is sent too,
   * and the links already mailed to the old address stop working. `disabled: true` and a new
   * password end every session of the user.
   */
  async update(id: string, body: unknown): Promise<AuthUser> {
    const { password, ...fields } = asObject(body);
    const current = await this.get(id);
    if ('email' in fields) fields.email = checkEmail(fields.email);
    const emailChanged = 'email' in fields && fields.email !== current.email;
    if (emailChanged && !('emailVerified' in fields)) fields.emailVerified = false;
    const passwordHash = password === undefined ? null : await this.hash(password);
    const endSessions = passwordHash ? 'password_set_by_admin' : fields.disabled === true ? 'disabled_by_admin' : null;
    const user = await this.users.transaction(async (tx) => {
      const updated = await this.users.update(tx, id, fields);
      if (passwordHash) await this.credentials.set(id, passwordHash, tx.em);
      if (endSessions) await this.sessions.revokeAll(id, endSessions, undefined, tx);
      return updated;
    });
    if (emailChanged) {
      // A reset link sent to the old address would otherwise still take over the account.
      await this.oneTimeTokens.invalidate('reset_password', id);
      await this.oneTimeTokens.invalidate('verify_email', id);
    }
    return user;
  }

  /** Its sessions, credentials, identities and tokens go with it (foreign keys cascade); revoking first tells every node's session cache at once. */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.records.transaction(async (tx) => {
      await this.sessions.revokeAll(id, 'user_deleted', undefined, tx);
      const scope = await this.records.scope(SYSTEM, tx.em);
      await this.records.write(tx, scope, this.records.collection('users'), { method: 'DELETE', id });
    });
  }

  async listSessions(id: string): Promise<SessionInfo[]> {
    await this.get(id);
    return this.sessions.list(id);
  }

  async revokeSessions(id: string): Promise<void> {
    await this.get(id);
    await this.sessions.revokeAll(id, 'revoked_by_admin');
  }

  private async hash(password: unknown): Promise<string> {
    await this.auth.checkPassword(password);
    return hashPassword(password as string);
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Errors.validation({ body: 'must be a JSON object' });
  return { ...(body as Record<string, unknown>) };
}
