import type { Settings } from '@basalt/contracts';
import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { SettingsPatchDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('admin')
@Controller('admin/settings')
@AdminOnly()
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  get(): Promise<Settings> {
    return this.settings.masked();
  }

  @Patch()
  update(@Body() body: SettingsPatchDto): Promise<Settings> {
    return this.settings.update(body);
  }
}
