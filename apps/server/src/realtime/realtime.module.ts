import { Module } from '@nestjs/common';
import { CollectionsModule } from '../collections/collections.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ChangeDispatcher } from './change-dispatcher.js';
import { ChannelsService } from './channels.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeHub } from './realtime-hub.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { SocketCredentials } from './socket-credentials.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** Socket.IO at /realtime: record subscriptions under the collections' rules, channels with presence. */
@Module({
  imports: [CollectionsModule, MetricsModule],
  providers: [RealtimeHub, RealtimeMetrics, SocketCredentials, SubscriptionsService, ChangeDispatcher, ChannelsService, RealtimeGateway],
})
export class RealtimeModule {}
