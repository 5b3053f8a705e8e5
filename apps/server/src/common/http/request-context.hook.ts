import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { uuidv7 } from '../ids.js';
import { type BasaltRequest, principalLabel } from '../request-context.js';
import type { RequestObservers } from './request-observers.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * First hook of every request: gives it an id (a sane incoming X-Request-Id is kept, so traces
 * join up), echoes it in the response, and logs one line when the response is done.
 */
export function installRequestContext(app: FastifyInstance, log: Logger, observers: RequestObservers): void {
  // The request line holds no secret (no query string, no headers), so it skips the redaction
  // paths, whose wildcards made one line cost ~60 us of CPU, a fifth of a record read.
  const requestLog = log.child({}, { redact: [] });
  app.decorateRequest('requestId', '');
  app.decorateRequest('startedAt', 0n);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', (request, reply, done) => {
    const req = request as BasaltRequest;
    const incoming = req.headers['x-request-id'];
    req.requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : uuidv7();
    req.startedAt = process.hrtime.bigint();
    reply.header('X-Request-Id', req.requestId);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const req = request as BasaltRequest;
    const durationMs = Number(process.hrtime.bigint() - req.startedAt) / 1e6;
    const url = req.url;
    const query = url.indexOf('?');
    const entry = {
      requestId: req.requestId,
      method: req.method,
      path: query === -1 ? url : url.slice(0, query),
      route: req.routeOptions.url ?? null,
      status: reply.statusCode,
      durationMs: Math.round(durationMs * 100) / 100,
      principal: principalLabel(req.principal),
      ip: req.ip ?? '',
    };
    requestLog[reply.statusCode >= 500 ? 'error' : 'info'](entry, 'request');
    observers.notify(entry);
    done();
  });
}
