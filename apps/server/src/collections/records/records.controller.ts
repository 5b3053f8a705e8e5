import type { BaseRecord, Principal } from '@basalt/contracts';
import { Body, Controller, Delete, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import { recordIdPipe } from './dto/record-id.js';
import { RecordsService } from './records.service.js';

/** Writes to a collection's records; reads are answered by RecordReadRoutes. */
@ApiTags('records')
@Controller('collections/:collection/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Post()
  async create(
    @CurrentPrincipal() p: Principal,
    @Param('collection') collection: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<BaseRecord> {
    const { record, etag } = await this.records.create(p, collection, body);
    res.header('ETag', etag);
    return record;
  }

  @Patch(':id')
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('collection') collection: string,
    @Param('id', recordIdPipe) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<BaseRecord> {
    const { record, etag } = await this.records.update(p, collection, id, body, ifMatch);
    res.header('ETag', etag);
    return record;
  }

  @Delete(':id')
  @HttpCode(204)
  delete(
    @CurrentPrincipal() p: Principal,
    @Param('collection') collection: string,
    @Param('id', recordIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.records.delete(p, collection, id, ifMatch);
  }
}
