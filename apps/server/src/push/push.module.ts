import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { DeliverJob } from './delivery/deliver.job.js';
import { DeliveriesRepository } from './delivery/deliveries.repository.js';
import { FanoutJob } from './delivery/fanout.job.js';
import { DevicesController } from './devices/devices.controller.js';
import { DevicesRepository } from './devices/devices.repository.js';
import { DevicesService } from './devices/devices.service.js';
import { UserDevicesListener } from './devices/user-devices.listener.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { MessagesService } from './messages/messages.service.js';
import { PushProviders } from './providers/push-providers.service.js';
import { WebPushKeyController } from './webpush-key.controller.js';

/** Push notifications: devices and topics, messages, and their delivery through FCM, APNs and Web Push (provider settings from AdminModule). */
@Module({
  imports: [AdminModule],
  controllers: [DevicesController, MessagesController, WebPushKeyController],
  providers: [DevicesRepository, DevicesService, MessagesRepository, MessagesService, DeliveriesRepository, PushProviders, FanoutJob, DeliverJob, UserDevicesListener],
})
export class PushModule {}
