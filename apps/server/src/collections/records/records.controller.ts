import type { BaseRecord, Principal, RecordList } from '@basalt/contracts';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Errors } from '../../common/app-error.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import { ListRecordsQueryDto, RecordShapeQueryDto } from './dto/records-query.dto.js';
import { RecordsService } from './records.service.js';

const DEFAULT_LIMIT = 30;
/** Record ids are UUIDs: anything else is a record that does not exist. */
const uuid = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound('record') });

@ApiTags('records')
@Controller('collections/:collection/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @Param('collection') collection: string, @Query() q: ListRecordsQueryDto): Promise<RecordList> {
    if (q.offset !== undefined && q.cursor !== undefined) throw Errors.validation({ cursor: 'offset and cursor cannot be used together' });
    const { fields, expand, ...query } = q;
    return this.records.list(p, collection, { ...query, limit: q.limit ?? DEFAULT_LIMIT }, { fields, expand });
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('collection') collection: string,
    @Param('id', uuid) id: string,
    @Query() q: RecordShapeQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<BaseRecord | undefined> {
    const { record, etag } = await this.records.get(p, collection, id, q);
    res.header('ETag', etag);
    if (ifNoneMatch && ifNoneMatch.split(',').map((t) => t.trim()).includes(etag)) {
      res.status(304);
      return undefined;
    }
    return record;
  }

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
    @Param('id', uuid) id: string,
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
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.records.delete(p, collection, id, ifMatch);
  }
}
