import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics.js';
import { RealtimeHub } from './realtime-hub.js';

/** Prometheus series of this node's realtime gateway, in the app's one registry. */
@Injectable()
export class RealtimeMetrics {
  private readonly droppedEvents: Counter<'reason'>;

  constructor(metrics: Metrics, hub: RealtimeHub) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'basalt_realtime_sockets',
      help: 'Realtime sockets connected to this node.',
      registers,
      collect() {
        this.set(hub.connectedCount());
      },
    });
    new Gauge({
      name: 'basalt_realtime_subscriptions',
      help: 'Active record subscriptions on this node (sockets in their recovery window included).',
      registers,
      collect() {
        this.set(hub.subscriptionCount());
      },
    });
    const delivered = new Counter({ name: 'basalt_realtime_events_delivered_total', help: 'change events sent to subscribers.', registers });
    hub.onDelivered((n) => delivered.inc(n));
    this.droppedEvents = new Counter({
      name: 'basalt_realtime_events_dropped_total',
      help: 'change events a subscription could not be sent, by reason.',
      labelNames: ['reason'] as const,
      registers,
    });
  }

  dropped(reason: 'evaluation_failed'): void {
    this.droppedEvents.inc({ reason });
  }
}
