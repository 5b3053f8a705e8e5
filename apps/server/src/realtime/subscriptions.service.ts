import { REALTIME_LIMITS, type SubscribeRequest } from '@basalt/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Errors } from '../common/app-error.js';
import { uuidv7 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { errorBodyOf, RealtimeErrors } from './realtime.errors.js';
import { RealtimeHub } from './realtime-hub.js';
import type { SocketSession } from './socket-session.js';
import { Subscription, type SubscriptionSpec } from './subscription.js';

/** Makes, ends and recompiles a session's subscriptions. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly hub: RealtimeHub,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Validates the collection, the caller's view access and the filter now, so a bad subscribe fails in its ack. */
  subscribe(session: SocketSession, req: SubscribeRequest): string {
    if (session.subscriptions.size >= REALTIME_LIMITS.subscriptionsPerSocket) throw RealtimeErrors.tooMany('subscriptions', REALTIME_LIMITS.subscriptionsPerSocket);
    const spec: SubscriptionSpec = { subscriptionId: uuidv7(), collection: req.collection, ...(req.filter !== undefined && { filter: req.filter }), ...(req.id !== undefined && { id: req.id }) };
    const sub = new Subscription(spec);
    this.compile(sub, session);
    session.subscriptions.set(sub.id, sub);
    session.saveSubscriptions();
    return sub.id;
  }

  unsubscribe(session: SocketSession, subscriptionId: string): void {
    if (!session.subscriptions.delete(subscriptionId)) throw RealtimeErrors.unknownSubscription(subscriptionId);
    session.saveSubscriptions();
  }

  /** Rebuilds subscriptions from recovered socket data (a client that resumed on this node). */
  restore(session: SocketSession, specs: SubscriptionSpec[]): void {
    for (const spec of specs) session.subscriptions.set(spec.subscriptionId, new Subscription(spec));
    this.recompileAll(session);
  }

  /** After a credential swap or recovery: every subscription is judged again for the current principal. */
  recompileAll(session: SocketSession, collection?: string): void {
    for (const sub of [...session.subscriptions.values()]) {
      if (collection !== undefined && sub.collection !== collection) continue;
      try {
        this.compile(sub, session);
      } catch (err) {
        this.end(session, sub, err);
      }
    }
  }

  /** Compiles against the current schema; throws the error the client should see. */
  compile(sub: Subscription, session: SocketSession): void {
    const schema = this.registry.get(sub.collection);
    if (!schema) throw Errors.notFound(`collection ${sub.collection}`);
    sub.compile(schema, this.registry, session);
  }

  /** The server ends a subscription that can no longer hold (collection gone, rules or fields changed) and tells the client why. */
  end(session: SocketSession, sub: Subscription, err: unknown): void {
    if (!session.subscriptions.delete(sub.id)) return;
    session.saveSubscriptions();
    const error = errorBodyOf(err);
    if (error.code === 'internal') this.log.error({ err, subscription: sub.id }, 'realtime subscription failed to compile');
    this.hub.emit(session.sid, 'unsubscribed', { subscriptionId: sub.id, error });
  }
}
