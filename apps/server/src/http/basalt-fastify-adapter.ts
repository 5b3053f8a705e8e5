import { createServer, type RequestListener } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendErrorEnvelope, toErrorBody } from '../common/error-filter.js';
import { uuidv7 } from '../common/ids.js';

/**
 * Node refuses request lines over 16 KiB with a bare 431 before any of our code runs. Filters travel
 * in the query string, so the limit is raised to let an oversized filter reach the filter parser and
 * get a proper `invalid_filter` answer (it checks the length before doing any work). Route parameters
 * get the same bound, so a long collection name or id is a 404 of ours, not the router's 414.
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * Fastify under Nest: on this kind of machine an empty Express 5 route costs ~200 us of CPU and a
 * Fastify one ~50 us (see docs/benchmarks.md), which is most of a record read.
 */
export function createFastifyAdapter({ bodyLimit, trustedProxies }: { bodyLimit: number; trustedProxies: readonly string[] }): FastifyAdapter {
  return new FastifyAdapter({
    serverFactory: (handler: RequestListener) => createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler),
    trustProxy: [...trustedProxies],
    bodyLimit,
    routerOptions: { maxParamLength: MAX_HEADER_BYTES },
    // No Nest middleware is used (request context is a Fastify hook), so middie is not loaded.
    skipMiddie: true,
    multipart: false,
    // A URL the router cannot decode never reaches a hook or Nest: it still gets the one envelope.
    frameworkErrors: (error: Error, _req: FastifyRequest, reply: FastifyReply) => {
      sendErrorEnvelope(reply, uuidv7(), toErrorBody(error).body);
    },
  });
}
