import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { LOGGER } from '../../common/logger.js';
import { EventBus } from '../../infra/events/event-bus.port.js';
import type { CollectionSchema, SchemaLookup } from './collection-schema.js';
import { CollectionsRepository } from './collections.repository.js';

/**
 * Every collection's schema, in memory: requests never read the registry table. Loaded at boot and
 * reloaded on every node when any node publishes `collection.changed`.
 */
@Injectable()
export class SchemaRegistry implements SchemaLookup, OnModuleInit {
  private byName = new Map<string, CollectionSchema>();
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: CollectionsRepository,
    private readonly events: EventBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.events.subscribe('collection.changed', () => this.reload().catch((err) => this.log.error({ err }, 'could not reload collections')));
    await this.reload();
  }

  get(name: string): CollectionSchema | undefined {
    return this.byName.get(name);
  }

  list(): CollectionSchema[] {
    return [...this.byName.values()];
  }

  /** Collections with a relation field pointing at `name`. */
  referencing(name: string): Array<{ schema: CollectionSchema; field: string }> {
    return this.list().flatMap((s) => s.fields.filter((f) => f.type === 'relation' && f.collection === name).map((f) => ({ schema: s, field: f.name })));
  }

  /** Loads run one after another, each after the call that asked for it, so none can land stale data last. */
  reload(em?: EntityManager): Promise<void> {
    const next = this.loading.then(async () => {
      const rows = await this.repo.all(em);
      this.byName = new Map(rows.map((r) => [r.name, r]));
    });
    this.loading = next.catch(() => undefined);
    return next;
  }
}
