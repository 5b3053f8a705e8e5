import type { NextFunction, Response } from 'express';
import type { Logger } from 'pino';
import { uuidv7 } from '../ids.js';
import { type BasaltRequest, principalLabel } from '../request-context.js';
import type { RequestObservers } from './request-observers.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * First middleware of every request: gives it an id (a sane incoming X-Request-Id is kept, so
 * traces join up), echoes it in the response, and logs one line when the response is done.
 */
export function requestContext(log: Logger, observers: RequestObservers) {
  return (req: BasaltRequest, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    req.requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : uuidv7();
    req.startedAt = process.hrtime.bigint();
    res.setHeader('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - req.startedAt) / 1e6;
      const path = (req.originalUrl ?? req.url).split('?')[0]!;
      const route = (req.route as { path?: string } | undefined)?.path ?? null;
      const entry = {
        requestId: req.requestId,
        method: req.method,
        path,
        route: route ? `${req.baseUrl ?? ''}${route}` : null,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        principal: principalLabel(req.principal),
        ip: req.ip ?? req.socket.remoteAddress ?? '',
      };
      log[res.statusCode >= 500 ? 'error' : 'info'](entry, 'request');
      observers.notify(entry);
    });
    next();
  };
}
