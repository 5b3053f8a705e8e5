import { Injectable, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { RequestObservers } from '../common/http/request-observers.js';

/** One registry per app instance (tests boot several in one process). */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'basalt_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(private readonly observers: RequestObservers) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'basalt_' });
    this.observers.add((r) => {
      // Unknown routes share one label so scanners cannot blow up the series count.
      this.httpDuration.observe({ method: r.method, route: r.route ?? 'unmatched', status: String(r.status) }, r.durationMs / 1000);
    });
  }
}
