import type { Collection } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError, Errors } from '../../common/app-error.js';
import { EventBus } from '../../infra/events/event-bus.port.js';
import type { CollectionSchema } from './collection-schema.js';
import { CollectionsRepository } from './collections.repository.js';
import { buildChangedSchema, buildNewSchema, type SchemaInput } from './schema-builder.js';
import { alterTableSql, createTableSql, dropTableSql } from './schema-ddl.js';
import { SchemaRegistry } from './schema-registry.js';

/** Postgres errors that mean "the data does not allow this change", not a server fault. */
const DATA_CONFLICTS: Record<string, string> = {
  '23505': 'existing records have duplicate values',
  '23503': 'existing records point at records that do not exist',
  '23502': 'existing records have no value',
};

/**
 * Creating, changing and deleting collections: the registry row and the table's DDL change in one
 * transaction (Postgres DDL is transactional), so a failed change leaves nothing half-done.
 */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CollectionsRepository,
    private readonly registry: SchemaRegistry,
    private readonly events: EventBus,
  ) {}

  list(): Collection[] {
    return this.registry.list().map(toCollectionResponse);
  }

  get(name: string): Collection {
    return toCollectionResponse(this.require(name));
  }

  async create(input: SchemaInput): Promise<Collection> {
    const schema = await this.change(async (em) => {
      const s = buildNewSchema(input, this.registry);
      await this.repo.insert(em, s);
      for (const sql of createTableSql(s)) await em.query(sql);
      return s;
    });
    await this.announce({ name: schema.name });
    return toCollectionResponse(this.require(schema.name));
  }

  async update(name: string, input: SchemaInput): Promise<Collection> {
    const current = this.require(name);
    const schema = await this.change(async (em) => {
      const next = buildChangedSchema(current, input, this.registry);
      if (next.name !== current.name) this.assertRenameable(current);
      if (!(await this.repo.update(em, next, current.version))) throw Errors.conflict(`${name} was changed by someone else; reload and try again`);
      for (const sql of alterTableSql(current, next)) await em.query(sql);
      if (next.name !== current.name) await this.renameRelationTargets(em, current.name, next.name);
      return next;
    });
    await this.announce({ name: schema.name, ...(schema.name !== name && { previousName: name }) });
    return toCollectionResponse(this.require(schema.name));
  }

  async delete(name: string): Promise<void> {
    const current = this.require(name);
    if (current.kind === 'auth') throw Errors.forbidden(`the ${name} collection is built in and cannot be deleted`);
    const referrers = this.registry.referencing(name).filter((r) => r.schema.name !== name);
    if (referrers.length) {
      throw Errors.conflict(`${name} is used by ${referrers.map((r) => `${r.schema.name}.${r.field}`).join(', ')}: remove those relation fields first`);
    }
    await this.change(async (em) => {
      await this.repo.delete(em, current.id);
      for (const sql of dropTableSql(name)) await em.query(sql);
    });
    await this.announce({ name, deleted: true });
  }

  private require(name: string): CollectionSchema {
    const s = this.registry.get(name);
    if (!s) throw Errors.notFound(`collection ${name}`);
    return s;
  }

  private assertRenameable(current: CollectionSchema): void {
    if (current.kind === 'auth') throw Errors.validation({ name: `the ${current.name} collection cannot be renamed` });
  }

  /** Relation fields elsewhere name collections in the registry JSON; a rename updates them in the same transaction. */
  private async renameRelationTargets(em: EntityManager, from: string, to: string): Promise<void> {
    for (const { schema } of this.registry.referencing(from)) {
      if (schema.name === from) continue;
      const fields = schema.fields.map((f) => (f.type === 'relation' && f.collection === from ? { ...f, collection: to } : f));
      await this.repo.update(em, { ...schema, fields, version: schema.version + 1 }, schema.version);
    }
  }

  private async change<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(async (em) => {
        await this.repo.lockForSchemaChange(em);
        // Another node may have changed the registry since this node loaded it.
        await this.registry.reload(em);
        return work(em);
      });
    } catch (e) {
      const code = (e as { driverError?: { code?: string } }).driverError?.code;
      if (code && DATA_CONFLICTS[code]) throw new AppError('conflict', `cannot apply this change: ${DATA_CONFLICTS[code]}`);
      throw e;
    }
  }

  /** This node sees the change before answering; the event tells every other node. */
  private async announce(change: { name: string; previousName?: string; deleted?: boolean }): Promise<void> {
    await this.registry.reload();
    await this.events.publish('collection.changed', change);
  }
}

export function toCollectionResponse(s: CollectionSchema): Collection {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    fields: s.fields,
    indexes: s.indexes,
    rules: s.rules,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}
