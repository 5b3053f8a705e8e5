import type { BaseRecord, RecordAction, RecordChangedEvent } from '@basalt/contracts';
import type { RelatedRecords } from '../collections/query/memory-filter.js';
import { present } from '../collections/records/record-mapper.js';
import type { CollectionSchema, SchemaLookup } from '../collections/schema/collection-schema.js';
import type { ChangeDelivery } from './realtime-hub.js';
import type { SocketSession } from './socket-session.js';
import type { Subscription } from './subscription.js';

/** The records a subscription's relations point to, before and after the change. */
export interface Related {
  before: RelatedRecords;
  after: RelatedRecords;
}

const NONE: RelatedRecords = () => null;
export const NOTHING_RELATED: Related = { before: NONE, after: NONE };

/** Whether a subscription saw the record before the change and sees it after. */
interface Verdict {
  was: boolean;
  is: boolean;
}

/**
 * One record change being judged for every subscription on this node, and what they share: one
 * "now", the record presented once per hidden-field access, and one verdict per verdict key (a
 * thousand sockets of a few users under one rule are a few verdicts: Subscription.verdictKey).
 */
export class ChangeJudging {
  readonly now = new Date();
  private readonly presented = new Map<boolean, BaseRecord>();
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    readonly event: RecordChangedEvent,
    readonly schema: CollectionSchema,
    private readonly schemas: SchemaLookup,
  ) {}

  /** visible before / after -> nothing, create, update or delete (an update that leaves arrives as delete, one that enters as create). */
  delivery(session: SocketSession, sub: Subscription, related: Related): ChangeDelivery | null {
    const { was, is } = this.verdict(session, sub, related);
    let action: RecordAction | null = null;
    if (is) action = was ? 'update' : 'create';
    else if (was) action = 'delete';
    if (!action) return null;
    const record = action === 'delete' ? { id: (this.event.before ?? this.event.after)!.id } : this.presentTo(session.hidden);
    return { session, subscriptionId: sub.id, action, record };
  }

  private verdict(session: SocketSession, sub: Subscription, related: Related): Verdict {
    const key = sub.verdictKey(session);
    let verdict = key === undefined ? undefined : this.verdicts.get(key);
    if (!verdict) {
      const { event, schema, schemas, now } = this;
      const sees = (record: BaseRecord | null, rel: RelatedRecords) => record !== null && sub.matches(record, schema, schemas, session, now, rel);
      verdict = { was: event.action !== 'create' && sees(event.before, related.before), is: event.action !== 'delete' && sees(event.after, related.after) };
      if (key !== undefined) this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The record as sent depends only on whether the session sees hidden fields: presented once each way. */
  private presentTo(hidden: boolean): BaseRecord {
    let record = this.presented.get(hidden);
    if (!record) this.presented.set(hidden, (record = present(this.schema, this.event.after!, { hidden })));
    return record;
  }
}
