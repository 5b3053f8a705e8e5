import type { EventName, EventPayload, RecordChangedEvent } from '@basalt/contracts';
import type { DataSource, EntityManager } from 'typeorm';
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
    const service = new RecordsService(fakeDataSource(log), {} as SchemaRegistry, {} as RecordReader, {} as RecordWriter, fakeEvents(log), new RuleCache());
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
