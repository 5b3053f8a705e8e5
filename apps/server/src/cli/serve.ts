import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { createHttpApp } from '../http/http-app.js';
import { nestLogger } from '../http/nest-logger.js';
import { checkDependencies } from './check-dependencies.js';
import { openDatabase } from './boot.js';

const SHUTDOWN_GRACE_MS = 15_000;
const DASHBOARD_DIR = fileURLToPath(new URL('../../../../dashboard/dist', import.meta.url));

/**
 * `basalt serve` (role api or all) and `basalt worker` (role worker: no HTTP, jobs only).
 * SIGTERM/SIGINT: stop accepting, finish in-flight requests and running jobs, close connections.
 */
export async function serve(config: AppConfig, log: Logger): Promise<void> {
  const db = await openDatabase(config, log);
  let app: INestApplicationContext;
  try {
    if (config.role === 'worker') {
      app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, log, db: db.options }), { logger: nestLogger(log) });
      await checkDependencies(app, config);
      await app.init();
      log.info({ role: config.role, db: config.db.driver, redis: Boolean(config.redis) }, 'basalt worker running');
    } else {
      const http = await createHttpApp({ config, log, db: db.options, dashboardDir: DASHBOARD_DIR });
      app = http;
      await checkDependencies(http, config);
      await http.listen(config.http.port, config.http.host);
      const address = http.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      log.info({ role: config.role, host: config.http.host, port, db: config.db.driver, redis: Boolean(config.redis), blobs: config.blobs.driver }, 'basalt listening');
      process.stdout.write(`Basalt is listening on http://${config.http.host}:${port} (dashboard: /_/, API docs: /api/docs)\n`);
    }
  } catch (e) {
    await db.server.close().catch(() => undefined);
    throw e;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await app.close();
      await db.server.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
