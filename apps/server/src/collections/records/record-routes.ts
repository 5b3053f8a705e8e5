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

/** Where a collection's records live (the `api` prefix included: these routes are not Nest's). */
export const RECORDS_PATH = '/api/collections/:collection/records';
const DEFAULT_LIMIT = 30;

type RecordRequest = BasaltRequest & FastifyRequest<{ Params: { collection: string; id?: string }; Querystring: unknown; Body: unknown }>;

/**
 * The records routes, the ones apps call most, are answered by Fastify directly rather than by a
 * Nest controller: Nest's guard, per-parameter pipes and response handling were about a tenth of a
 * record read's CPU (docs/benchmarks.md, seventh round). They do what a Nest route does here: the
 * caller resolved as the PrincipalGuard resolves it, queries checked by the same validation pipe,
 * errors answered in the same envelope, and they are in the OpenAPI document (record-routes.openapi.ts).
 */
@Injectable()
export class RecordRoutes implements OnModuleInit {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly records: RecordsService,
    private readonly resolvers: CredentialResolvers,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Runs before the server listens; a worker (no HTTP server) has nothing to register. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const errorHandler = (error: unknown, req: FastifyRequest, reply: FastifyReply) => answerError(this.log, req as BasaltRequest, reply, error);
    type Handler = (req: RecordRequest, reply: FastifyReply) => Promise<unknown>;
    const route = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, handler: Handler) =>
      fastify.route({ method, url, errorHandler, handler: (req, reply) => handler(req as RecordRequest, reply) });
    route('GET', RECORDS_PATH, (req) => this.list(req));
    route('POST', RECORDS_PATH, (req, reply) => this.create(req, reply));
    route('GET', `${RECORDS_PATH}/:id`, (req, reply) => this.get(req, reply));
    route('PATCH', `${RECORDS_PATH}/:id`, (req, reply) => this.update(req, reply));
    route('DELETE', `${RECORDS_PATH}/:id`, (req, reply) => this.delete(req, reply));
  }

  private async list(req: RecordRequest): Promise<RecordList> {
    const principal = await this.resolvers.principalOf(req);
    const q = (await this.validation.transform(req.query, { type: 'query', metatype: ListRecordsQueryDto })) as ListRecordsQueryDto;
    if (q.offset !== undefined && q.cursor !== undefined) throw Errors.validation({ cursor: 'offset and cursor cannot be used together' });
    const { fields, expand, ...query } = q;
    return this.records.list(principal, req.params.collection, { ...query, limit: q.limit ?? DEFAULT_LIMIT }, { fields, expand });
  }

  private async get(req: RecordRequest, reply: FastifyReply): Promise<BaseRecord | FastifyReply> {
    const principal = await this.resolvers.principalOf(req);
    const id = await this.idOf(req);
    const shape = (await this.validation.transform(req.query, { type: 'query', metatype: RecordShapeQueryDto })) as RecordShapeQueryDto;
    const { record, etag } = await this.records.get(principal, req.params.collection, id, shape);
    void reply.header('ETag', etag);
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) return reply.code(304).send();
    return record;
  }

  private async create(req: RecordRequest, reply: FastifyReply): Promise<BaseRecord> {
    const { record, etag } = await this.records.create(await this.resolvers.principalOf(req), req.params.collection, req.body);
    void reply.code(201).header('ETag', etag);
    return record;
  }

  private async update(req: RecordRequest, reply: FastifyReply): Promise<BaseRecord> {
    const principal = await this.resolvers.principalOf(req);
    const { record, etag } = await this.records.update(principal, req.params.collection, await this.idOf(req), req.body, req.headers['if-match']);
    void reply.header('ETag', etag);
    return record;
  }

  private async delete(req: RecordRequest, reply: FastifyReply): Promise<FastifyReply> {
    const principal = await this.resolvers.principalOf(req);
    await this.records.delete(principal, req.params.collection, await this.idOf(req), req.headers['if-match']);
    return reply.code(204).send();
  }

  private async idOf(req: RecordRequest): Promise<string> {
    return (await recordIdPipe.transform(req.params.id!, { type: 'param' })) as string;
  }
}
