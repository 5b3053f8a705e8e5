import type { AuthUser, Principal } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Errors } from '../common/app-error.js';
import { RecordsService, type Tx } from '../collections/records/records.service.js';
import { rowToRecord } from '../collections/records/record-mapper.js';
import { checkRecordInput } from '../collections/records/record-input.js';

/** Auth acts on users as the system: rules do not apply, protected fields may be set. */
const SYSTEM: Principal = Object.freeze({ kind: 'admin', id: 'system', roles: [], scopes: ['*'] }) as Principal;

/**
 * The users collection as auth needs it. Writes go through the records layer, so custom user
 * fields are validated like any record and `record.changed` events are published.
 */
@Injectable()
export class UsersGateway {
  constructor(
    private readonly records: RecordsService,
    private readonly ds: DataSource,
  ) {}

  async byEmail(email: string): Promise<AuthUser | null> {
    const [row] = await this.ds.query('SELECT * FROM app.users WHERE "email" = $1', [email.toLowerCase()]);
    return row ? this.toUser(row) : null;
  }

  async byId(id: string): Promise<AuthUser | null> {
    const [row] = await this.ds.query('SELECT * FROM app.users WHERE "id" = $1', [id]);
    return row ? this.toUser(row) : null;
  }

  /** Checks fields a user chose for itself (sign-up, PATCH /me): protected ones are refused. */
  checkOwnFields(fields: Record<string, unknown>, mode: 'create' | 'update'): void {
    checkRecordInput(this.records.collection('users'), fields, mode, false);
  }

  /** Creates a user inside `tx`; `fields` were checked with checkOwnFields, the system values are ours. */
  async create(tx: Tx, fields: Record<string, unknown>): Promise<AuthUser> {
    const scope = await this.records.scope(SYSTEM, tx.em);
    const { record } = await this.records.write(tx, scope, this.records.collection('users'), { method: 'POST', body: fields });
    return record as AuthUser;
  }

  async update(tx: Tx, id: string, fields: Record<string, unknown>): Promise<AuthUser> {
    const scope = await this.records.scope(SYSTEM, tx.em);
    const { record } = await this.records.write(tx, scope, this.records.collection('users'), { method: 'PATCH', id, body: fields });
    return record as AuthUser;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.records.transaction(work);
  }

  /** The user as the user itself may see it (hidden fields stripped). */
  present(user: AuthUser): AuthUser {
    const schema = this.records.collection('users');
    const visible: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(user)) if (!schema.fields.find((f) => f.name === k)?.hidden) visible[k] = v;
    return visible as AuthUser;
  }

  async require(id: string): Promise<AuthUser> {
    const user = await this.byId(id);
    if (!user) throw Errors.unauthorized('this account no longer exists');
    return user;
  }

  private toUser(row: Record<string, unknown>): AuthUser {
    return rowToRecord(this.records.collection('users'), row) as AuthUser;
  }
}
