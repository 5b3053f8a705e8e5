import type { BaseRecord, RecordChangedEvent } from '@basalt/contracts';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Errors } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { ChangeJudging, NOTHING_RELATED, type Related } from './change-judging.js';
import { errorBodyOf } from './realtime.errors.js';
import { type ChangeDelivery, RealtimeHub } from './realtime-hub.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RelatedRecordsLoader } from './related-records.js';
import type { SocketSession } from './socket-session.js';
import type { Subscription } from './subscription.js';
import { SubscriptionsService } from './subscriptions.service.js';

/**
 * Turns EventBus events into what each local socket may see. Every node receives every event and
 * judges only its own sessions. Events are handled one after another, so each socket gets them in
 * the order they were published.
 */
@Injectable()
export class ChangeDispatcher implements OnModuleInit, OnModuleDestroy {
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    private readonly events: EventBus,
    private readonly registry: SchemaRegistry,
    private readonly ds: DataSource,
    private readonly hub: RealtimeHub,
    private readonly subscriptions: SubscriptionsService,
    private readonly metrics: RealtimeMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribers.push(
      this.events.subscribe('record.changed', (e) => this.enqueue(() => this.recordChanged(e))),
      this.events.subscribe('collection.changed', (e) => this.enqueue(() => this.collectionChanged(e.name, e.previousName))),
      this.events.subscribe('session.revoked', ({ sessionIds }) => {
        const revoked = new Set(sessionIds);
        this.endWhere((s) => s.principal.sessionId !== undefined && revoked.has(s.principal.sessionId), 'your session was revoked; sign in again');
      }),
      this.events.subscribe('apiKey.revoked', ({ id }) => this.endWhere((s) => s.principal.kind === 'apiKey' && s.principal.id === id, 'this API key was revoked')),
      // Queued with the record events: every node sees them in the same order, so the node that kept
      // the session stops judging at exactly the event where the resuming node starts.
      this.events.subscribe('realtime.resumed', ({ socketId }) => this.enqueue(() => this.resumed(socketId))),
      this.events.subscribe('realtime.handedOver', ({ socketId, seq }) => {
        const session = this.hub.get(socketId);
        if (session?.holding && !session.detached) session.release(seq);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribers) off();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((err) => this.log.error({ err }, 'realtime dispatch failed'));
    return this.queue;
  }

  private endWhere(match: (s: SocketSession) => boolean, message: string): void {
    for (const session of [...this.hub.all()]) if (match(session)) this.hub.end(session, errorBodyOf(Errors.unauthorized(message)));
  }

  /**
   * A client resumed on some node. The node that kept its session while it was away lets go and hands
   * over the last seq it sent; the resuming node starts judging events from here on.
   */
  private async resumed(socketId: string): Promise<void> {
    const session = this.hub.get(socketId);
    if (!session) return;
    if (session.detached) {
      this.hub.remove(session);
      await this.events.publish('realtime.handedOver', { socketId, seq: session.seq });
    } else {
      session.resuming = false;
    }
  }

  private async recordChanged(event: RecordChangedEvent): Promise<void> {
    const schema = this.registry.get(event.collection);
    if (!schema) return;
    if (schema.kind === 'auth' && event.after) this.refreshAuthValues(event.after);
    const loader = new RelatedRecordsLoader(this.ds, this.registry, schema);
    const judging = new ChangeJudging(event, schema, this.registry);
    const deliveries: ChangeDelivery[] = [];
    for (const session of [...this.hub.all()]) {
      if (session.resuming) continue;
      for (const sub of [...session.subscriptions.values()]) {
        if (sub.collection !== schema.name) continue;
        if (!sub.isCurrent(schema, session)) {
          try {
            sub.compile(schema, this.registry, session);
          } catch (err) {
            this.subscriptions.end(session, sub, err);
            continue;
          }
        }
        try {
          // Most subscriptions follow no relation: they are judged without waiting on anything.
          const seen = sub.relations.length ? await this.load(event, sub, loader) : NOTHING_RELATED;
          const delivery = judging.delivery(session, sub, seen);
          if (delivery) deliveries.push(delivery);
        } catch (err) {
          // Only this subscription misses this event; the others and the next events are unaffected.
          this.metrics.dropped('evaluation_failed');
          this.log.error({ err, subscription: sub.id, collection: schema.name }, 'realtime subscription could not judge an event');
        }
      }
    }
    this.hub.emitChanges(deliveries);
  }

  /** The records the subscription's relations point to, before and after the change. */
  private async load(event: RecordChangedEvent, sub: Subscription, loader: RelatedRecordsLoader): Promise<Related> {
    return {
      before: event.action !== 'create' ? await loader.load(event.before, sub.relations) : NOTHING_RELATED.before,
      after: event.action !== 'delete' ? await loader.load(event.after, sub.relations) : NOTHING_RELATED.after,
    };
  }

  /** `@request.auth.*` follows the user's record: a role or field change is seen by the next event. */
  private refreshAuthValues(user: BaseRecord): void {
    for (const session of this.hub.all()) {
      if (session.principal.kind !== 'user' || session.principal.id !== user.id) continue;
      session.auth = { ...user, id: user.id, roles: Array.isArray(user.roles) ? (user.roles as string[]) : [] };
    }
  }

  /** Rules or fields changed: recompile now, so a subscription that no longer holds is ended and the client told. */
  private async collectionChanged(name: string, previousName?: string): Promise<void> {
    // The registry reloads on the same event; asking again queues behind that load, so this sees the new schema.
    await this.registry.reload();
    for (const session of [...this.hub.all()]) {
      this.subscriptions.recompileAll(session, name);
      if (previousName !== undefined) this.subscriptions.recompileAll(session, previousName);
    }
  }
}
