import type { Device, Principal, PushPage, RegisteredDevice } from '@basalt/contracts';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import { DeviceTopicsDto, ListDevicesQueryDto, RegisterDeviceDto } from './dto/register-device.dto.js';
import { DevicesService } from './devices.service.js';

/** A guest install proves it owns a device with this header (the secret it got at registration). */
const DEVICE_SECRET_HEADER = 'x-device-secret';

@ApiTags('push')
@Controller('push/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** 201 when the token is new, 200 when an existing registration was updated (or moved to the caller). */
  @Post()
  async register(@CurrentPrincipal() principal: Principal, @Body() body: RegisterDeviceDto, @Res({ passthrough: true }) res: FastifyReply): Promise<RegisteredDevice> {
    const { device, created } = await this.devices.register(principal, body);
    res.status(created ? 201 : 200);
    return device;
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListDevicesQueryDto): Promise<PushPage<Device>> {
    return this.devices.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Headers(DEVICE_SECRET_HEADER) secret?: string): Promise<Device> {
    return this.devices.get(principal, id, secret);
  }

  @Put(':id/topics')
  setTopics(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DeviceTopicsDto,
    @Headers(DEVICE_SECRET_HEADER) secret?: string,
  ): Promise<Device> {
    return this.devices.setTopics(principal, id, body.topics, secret);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Headers(DEVICE_SECRET_HEADER) secret?: string): Promise<void> {
    return this.devices.delete(principal, id, secret);
  }
}
