import type { EventName, EventPayload, Principal, RecordChangedEvent } from '@basalt/contracts';
import { jest } from '@jest/globals';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import type { PooledSql } from '../../infra/database/pooled-sql.js';
import type { EventBus } from '../../infra/events/event-bus.port.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';
import type { RecordReader } from './record-reader.js';
import type { RecordWriter } from './record-writer.js';
import { RecordsService } from './records.service.js';
import { RuleCache } from './rule-cache.js';

/** A DataSource double whose transaction commits when the work resolves and rolls back when it throws. */
function fakeDataSource(log: string[]): DataSource {
  return {
    transaction: async <T>(work: (em: EntityManager) => Promise<T>) => {
      try {
        const result = await work({} as EntityManager);
        log.push('commit');
        return result;
      } catch (e) {
        log.push('rollback');
        throw e;
      }
    },
  } as unknown as DataSource;
}

function fakeEvents(log: string[]): EventBus {
  return {
    publish: async <N extends EventName>(name: N, payload: EventPayload<N>) => {
      log.push(`${name}:${(payload as RecordChangedEvent).action}`);
    },
  } as unknown as EventBus;
}

const event = (action: RecordChangedEvent['action']): RecordChangedEvent => ({ collection: 'posts', action, before: null, after: null });

describe('RecordsService.transaction', () => {
  function setup() {
    const log: string[] = [];
    const service = new RecordsService(fakeDataSource(log), {} as PooledSql, {} as SchemaRegistry, {} as RecordReader, {} as RecordWriter, fakeEvents(log), new RuleCache());
    return { log, service };
  }

  it('publishes record.changed for every write, in order, only after the commit', async () => {
    const { log, service } = setup();
    await service.transaction(async (tx) => {
      tx.events.push(event('create'), event('update'));
      log.push('work done');
    });
    expect(log).toEqual(['work done', 'commit', 'record.changed:create', 'record.changed:update']);
  });

  it('publishes nothing when the transaction rolls back', async () => {
    const { log, service } = setup();
    await expect(
      service.transaction(async (tx) => {
        tx.events.push(event('create'));
        throw new Error('second write failed');
      }),
    ).rejects.toThrow('second write failed');
    expect(log).toEqual(['rollback']);
  });
});

describe('RecordsService.create', () => {
  const record = { id: '0190e0e0-0000-7000-8000-000000000001', createdAt: 'c', updatedAt: 'u', title: 't' };
  const schemaWith = (create: string | null) => ({ id: 's1', name: 'posts', kind: 'base', fields: [], rules: { list: '', view: '', create, update: '', delete: '' } });

  function setup(create: string | null, alone: boolean) {
    const log: string[] = [];
    const registry = { get: () => schemaWith(create) } as unknown as SchemaRegistry;
    const writer = {
      createAlone: async () => {
        log.push('insert alone');
        return alone ? { record, event: { collection: 'posts', action: 'create', before: null, after: record } } : null;
      },
    } as unknown as RecordWriter;
    const service = new RecordsService(fakeDataSource(log), {} as PooledSql, registry, {} as RecordReader, writer, fakeEvents(log), new RuleCache());
    // The transaction path itself is covered above and end to end; here it only has to be taken or not.
    jest.spyOn(service, 'transaction').mockImplementation(async () => {
      log.push('transaction');
      return { record, etag: '"x"' } as never;
    });
    return { log, service };
  }

  const guest: Principal = { kind: 'guest', roles: [], scopes: [] };

  it('runs a create whose rule holds without a query as one INSERT, then publishes its event', async () => {
    const { log, service } = setup('', true);
    const out = await service.create(guest, 'posts', { title: 't' });
    expect(out.record).toEqual(record);
    expect(log).toEqual(['insert alone', 'record.changed:create']);
  });

  it('falls back to a transaction when the record needs checks of its own', async () => {
    const { log, service } = setup('', false);
    await service.create(guest, 'posts', { title: 't' });
    expect(log).toEqual(['insert alone', 'transaction']);
  });

  it('uses a transaction when the create rule must be judged on the stored row', async () => {
    const { log, service } = setup("@request.auth.id != ''", true);
    await service.create(guest, 'posts', { title: 't' });
    expect(log).toEqual(['transaction']);
  });
});

describe('RecordsService reads after a schema change on another node', () => {
  const record = { id: '0190e0e0-0000-7000-8000-000000000001', createdAt: 'c', updatedAt: 'u', title: 't' };
  const guest: Principal = { kind: 'guest', roles: [], scopes: [] };
  const schemaWith = (fields: string[]) => ({ id: 's1', name: 'posts', kind: 'base', fields: fields.map((name) => ({ name, type: 'text' })), rules: { list: '', view: '', create: '', update: '', delete: '' } });
  const pgError = (code: string) => new QueryFailedError('SELECT', [], Object.assign(new Error(`pg error ${code}`), { code }));

  /** The registry still holds the schema with `gone` until reloaded; the reader fails with `code` while planned from it. */
  function setup(code: string) {
    let current = schemaWith(['title', 'gone']);
    const reloads: number[] = [];
    const registry = {
      get: () => current,
      reload: async () => {
        reloads.push(1);
        current = schemaWith(['title']);
      },
    } as unknown as SchemaRegistry;
    const planned: string[][] = [];
    const read = async (_db: unknown, _scope: unknown, schema: ReturnType<typeof schemaWith>) => {
      planned.push(schema.fields.map((f) => f.name));
      if (schema.fields.some((f) => f.name === 'gone')) throw pgError(code);
      return record;
    };
    const reader = { findVisible: read, list: async (...args: Parameters<typeof read>) => ({ items: [await read(...args)], limit: 1, nextCursor: null }) } as unknown as RecordReader;
    const service = new RecordsService({} as DataSource, {} as PooledSql, registry, reader, {} as RecordWriter, {} as EventBus, new RuleCache());
    return { service, planned, reloads };
  }

  it.each(['42703', '42P01'])('plans a get again from the reloaded schema when Postgres answers %s', async (code) => {
    const { service, planned, reloads } = setup(code);
    const { record: got } = await service.get(guest, 'posts', record.id, {});
    expect(got).toEqual(record);
    expect(planned).toEqual([['title', 'gone'], ['title']]);
    expect(reloads).toHaveLength(1);
  });

  it('plans a list again the same way', async () => {
    const { service, planned } = setup('42703');
    expect((await service.list(guest, 'posts', { limit: 1 }, {})).items).toEqual([record]);
    expect(planned).toEqual([['title', 'gone'], ['title']]);
  });

  it('passes other database errors on without reloading', async () => {
    const { service, reloads } = setup('57014');
    await expect(service.get(guest, 'posts', record.id, {})).rejects.toThrow('pg error 57014');
    expect(reloads).toHaveLength(0);
  });
});
