import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { safeEqual } from '../common/secrets.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

@Module({ controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly resolvers: CredentialResolvers,
  ) {}

  /** The metrics token is a bearer credential that can do nothing but scrape. */
  onModuleInit(): void {
    const token = this.config.metricsToken;
    if (!token) return;
    this.resolvers.addBearer(async (candidate) =>
      safeEqual(Buffer.from(candidate), Buffer.from(token)) ? { kind: 'apiKey', id: 'metrics', roles: [], scopes: [] } : null,
    );
  }
}
