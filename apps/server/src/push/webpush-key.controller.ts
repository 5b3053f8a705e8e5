import type { VapidPublicKeyResponse } from '@basalt/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PushProviders } from './providers/push-providers.service.js';

/** Public: browsers need the VAPID key to subscribe (`pushManager.subscribe({ applicationServerKey })`). */
@ApiTags('push')
@Controller('push/webpush/key')
export class WebPushKeyController {
  constructor(private readonly providers: PushProviders) {}

  @Get()
  async key(): Promise<VapidPublicKeyResponse> {
    return { vapidPublicKey: await this.providers.vapidPublicKey() };
  }
}
