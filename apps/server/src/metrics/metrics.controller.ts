import type { Principal } from '@basalt/contracts';
import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';
import { Errors } from '../common/app-error.js';
import type { BasaltRequest } from '../common/request-context.js';
import { Metrics } from './metrics.js';

/**
 * Prometheus text at /metrics. Open on the embedded single-node setup (bound to localhost by default);
 * in scaled mode only admins or `Authorization: Bearer <BASALT_METRICS_TOKEN>` may read it.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() req: BasaltRequest): Promise<string> {
    if (this.config.db.driver === 'postgres' && !this.allowed(req.principal)) {
      throw req.principal?.kind === 'guest' ? Errors.unauthorized('metrics need an admin token or the metrics token') : Errors.forbidden('admins only');
    }
    return this.metrics.registry.metrics();
  }

  private allowed(p: Principal | undefined): boolean {
    return p?.kind === 'admin' || p?.id === 'metrics';
  }
}
