import { Module } from '@nestjs/common';
import { AdminAuthController } from './admin-auth.controller.js';
import { AdminTokens } from './admin-tokens.js';
import { AdminsRepository } from './admins.repository.js';
import { AdminsService } from './admins.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { OpsController } from './ops.controller.js';
import { RequestLogWriter } from './request-log.writer.js';
import { RequestLogsRepository } from './request-logs.repository.js';
import { SettingsController } from './settings.controller.js';
import { SettingsRepository } from './settings.repository.js';
import { SettingsService } from './settings.service.js';

@Module({
  controllers: [AdminAuthController, ApiKeysController, SettingsController, OpsController],
  providers: [
    AdminTokens, AdminsRepository, AdminsService,
    ApiKeysRepository, ApiKeysService,
    SettingsRepository, SettingsService,
    RequestLogsRepository, RequestLogWriter,
  ],
  exports: [AdminsService, SettingsService],
})
export class AdminModule {}
