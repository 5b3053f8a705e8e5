import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.js';
import { EventBus } from '../../infra/events/event-bus.port.js';
import { DevicesRepository } from './devices.repository.js';

/** A deleted user's devices go with them, so topic sends stop reaching an account that no longer exists. */
@Injectable()
export class UserDevicesListener implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly events: EventBus,
    private readonly devices: DevicesRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe('record.changed', async (e) => {
      if (e.collection !== 'users' || e.action !== 'delete' || !e.before) return;
      const removed = await this.devices.deleteOfUser(e.before.id);
      if (removed > 0) this.log.debug({ userId: e.before.id, removed }, 'removed the devices of a deleted user');
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
