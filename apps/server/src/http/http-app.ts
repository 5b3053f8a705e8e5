import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule } from '../app.module.js';
import { ErrorFilter } from '../common/error-filter.js';
import { requestContext } from '../common/http/request-context.middleware.js';
import { RequestObservers } from '../common/http/request-observers.js';
import { createValidationPipe } from '../common/validation.js';
import type { InfraOptions } from '../infra/infra.module.js';
import { BasaltExpressAdapter } from './basalt-express-adapter.js';
import { nestLogger } from './nest-logger.js';

export interface HttpAppOptions extends InfraOptions {
  /** The built dashboard (dashboard/dist); served at /_/ when present. */
  dashboardDir: string;
}

/** Builds the Nest app with Basalt's HTTP behaviour: request ids, JSON limits, one error envelope, /api prefix. */
export async function createHttpApp(opts: HttpAppOptions): Promise<NestExpressApplication> {
  const { config, log } = opts;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(opts), new BasaltExpressAdapter(), {
    bodyParser: false,
    logger: nestLogger(log),
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // Express would hash every response body for a weak ETag; records and files send their own.
  app.set('etag', false);
  app.use(requestContext(log, app.get(RequestObservers)));
  app.use('/api', express.json({ limit: config.http.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter(log));
  serveDashboard(app, opts.dashboardDir);
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Basalt API').setVersion('1').addBearerAuth().addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }).build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json', useGlobalPrefix: false });
  return app;
}

function serveDashboard(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return;
  app.use('/_', express.static(dir, { index: false, maxAge: '1h', immutable: false }));
  // Client-side routes (/_/setup, /_/keys ...) all load the single page.
  app.use('/_', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
