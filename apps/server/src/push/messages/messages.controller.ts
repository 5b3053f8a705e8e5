import type { PushDelivery, PushMessage, PushPage, SendPushResponse } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../common/auth/access.decorator.js';
import { ListDeliveriesQueryDto, ListMessagesQueryDto, SendPushDto } from './dto/send-push.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('push')
@Controller('push/messages')
@AdminOnly({ scope: 'push:send' })
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(202)
  send(@Body() body: SendPushDto): Promise<SendPushResponse> {
    return this.messages.send(body);
  }

  @Get()
  list(@Query() query: ListMessagesQueryDto): Promise<PushPage<PushMessage>> {
    return this.messages.list(query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PushMessage> {
    return this.messages.get(id);
  }

  @Get(':id/deliveries')
  deliveries(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ListDeliveriesQueryDto): Promise<PushPage<PushDelivery>> {
    return this.messages.deliveries(id, query);
  }

  /** Cancels a message whose fan-out has not begun; 409 once it is sending or finished. */
  @Delete(':id')
  cancel(@Param('id', new ParseUUIDPipe()) id: string): Promise<PushMessage> {
    return this.messages.cancel(id);
  }
}
