import type { BaseRecord, RecordList } from '@basalt/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Errors } from '../../common/app-error.js';
import { CredentialResolvers } from '../../common/auth/credential-resolvers.js';
import { answerError } from '../../common/error-filter.js';
import { LOGGER } from '../../common/logger.js';
import type { BasaltRequest } from '../../common/request-context.js';
import { createValidationPipe } from '../../common/validation.js';
import { recordIdPipe } from './dto/record-id.js';
import { ListRecordsQueryDto, RecordShapeQueryDto } from './dto/records-query.dto.js';
import { RecordsService } from './records.service.js';

/** Where the records of a collection are read (the `api` prefix included: these routes bypass Nest's). */
export const RECORDS_PATH = '/api/collections/:collection/records';
const DEFAULT_LIMIT = 30;

type ReadRequest = BasaltRequest & FastifyRequest<{ Params: { collection: string; id?: string }; Querystring: unknown }>;

/**
 * GET one record and GET a page of records, the routes apps call most, are answered by Fastify
 * directly rather than through a Nest controller: Nest's guard, per-parameter pipes and response
 * handling were about a tenth of a record read's CPU (docs/benchmarks.md, seventh round). They do
 * what the Nest route would: the caller resolved as the PrincipalGuard resolves it, the query
 * checked by the same validation pipe, the same service, errors in the same envelope. They are in
 * the OpenAPI document through `documentRecordReads`.
 */
@Injectable()
export class RecordReadRoutes implements OnModuleInit {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly records: RecordsService,
    private readonly resolvers: CredentialResolvers,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Runs before Nest registers its own routes' hooks and before the server listens; a worker has no HTTP server. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const errorHandler = (error: unknown, req: FastifyRequest, reply: FastifyReply) => answerError(this.log, req as BasaltRequest, reply, error);
    fastify.get(RECORDS_PATH, { errorHandler }, (req) => this.list(req as ReadRequest));
    fastify.get(`${RECORDS_PATH}/:id`, { errorHandler }, (req, reply) => this.get(req as ReadRequest, reply));
  }

  private async list(req: ReadRequest): Promise<RecordList> {
    const principal = await this.principalOf(req);
    const q = (await this.validation.transform(req.query, { type: 'query', metatype: ListRecordsQueryDto })) as ListRecordsQueryDto;
    if (q.offset !== undefined && q.cursor !== undefined) throw Errors.validation({ cursor: 'offset and cursor cannot be used together' });
    const { fields, expand, ...query } = q;
    return this.records.list(principal, req.params.collection, { ...query, limit: q.limit ?? DEFAULT_LIMIT }, { fields, expand });
  }

  private async get(req: ReadRequest, reply: FastifyReply): Promise<BaseRecord | FastifyReply> {
    const principal = await this.principalOf(req);
    const id = (await recordIdPipe.transform(req.params.id!, { type: 'param' })) as string;
    const shape = (await this.validation.transform(req.query, { type: 'query', metatype: RecordShapeQueryDto })) as RecordShapeQueryDto;
    const { record, etag } = await this.records.get(principal, req.params.collection, id, shape);
    void reply.header('ETag', etag);
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) {
      return reply.code(304).send();
    }
    return record;
  }

  /** As the PrincipalGuard: kept on the request, where the request log reads it. */
  private async principalOf(req: ReadRequest) {
    return (req.principal ??= await this.resolvers.resolveRequest(req.headers));
  }
}
