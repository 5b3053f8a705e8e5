import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppModule } from '../app.module.js';
import { documentRecordRoutes } from '../collections/records/record-routes.openapi.js';
import { ErrorFilter } from '../common/error-filter.js';
import { installRequestContext } from '../common/http/request-context.hook.js';
import { RequestObservers } from '../common/http/request-observers.js';
import { createValidationPipe } from '../common/validation.js';
import type { InfraOptions } from '../infra/infra.module.js';
import { createFastifyAdapter } from './basalt-fastify-adapter.js';
import { registerBodyParsers } from './body-parsers.js';
import { nestLogger } from './nest-logger.js';

export interface HttpAppOptions extends InfraOptions {
  /** The built dashboard (dashboard/dist); served at /_/ when present. */
  dashboardDir: string;
}

/** Builds the Nest app with Basalt's HTTP behaviour: request ids, JSON limits, one error envelope, /api prefix. */
export async function createHttpApp(opts: HttpAppOptions): Promise<NestFastifyApplication> {
  const { config, log } = opts;
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(opts), createFastifyAdapter(config.http), {
    bodyParser: false,
    logger: nestLogger(log),
  });
  const fastify = app.getHttpAdapter().getInstance();
  installRequestContext(fastify, log, app.get(RequestObservers));
  registerBodyParsers(fastify);
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter(log));
  await serveDashboard(fastify, opts.dashboardDir);
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Basalt API').setVersion('1').addBearerAuth().addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }).build(),
  );
  documentRecordRoutes(doc);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json', useGlobalPrefix: false });
  return app;
}

async function serveDashboard(fastify: FastifyInstance, dir: string): Promise<void> {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return;
  // `wildcard: false` registers one route per built file, so the catch-all below only sees the rest.
  await fastify.register(fastifyStatic, { root: dir, prefix: '/_/', index: false, maxAge: '1h', wildcard: false, decorateReply: false });
  // Client-side routes (/_/setup, /_/keys ...) all load the single page.
  const page = (_req: unknown, reply: FastifyReply) => reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(createReadStream(index));
  for (const url of ['/_', '/_/*']) fastify.get(url, page);
}
