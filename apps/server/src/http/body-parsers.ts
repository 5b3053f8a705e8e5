import type { FastifyInstance } from 'fastify';
import { AppError } from '../common/app-error.js';

const JSON_TYPES: (string | RegExp)[] = ['application/json', /^application\/[\w.-]+\+json\s*(;|$)/i];

/**
 * API bodies are JSON (`application/json` and `application/*+json`); an empty JSON body is no body.
 * Plain JSON.parse, not Fastify's poisoning guard: a `__proto__` key stays an own property, which
 * record validation then refuses by name (a better answer than a generic "invalid JSON").
 * Every other type is left unread for the route that expects it (multipart uploads, a provider's
 * form_post) instead of Fastify's 415, so the route can answer in its own terms.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  for (const type of JSON_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError('validation_failed', 'request body is not valid JSON'), undefined);
      }
    });
  }
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
}
