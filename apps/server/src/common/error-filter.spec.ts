import { HttpException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error.js';
import { toErrorBody } from './error-filter.js';

describe('toErrorBody', () => {
  it('keeps an AppError code, message and details', () => {
    const { body, unexpected } = toErrorBody(new AppError('validation_failed', 'title: too long', { title: 'too long' }));
    expect(body).toEqual({ status: 400, code: 'validation_failed', message: 'title: too long', details: { title: 'too long' } });
    expect(unexpected).toBe(false);
  });

  it("maps Fastify's own request errors by status", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(toErrorBody(tooLarge).body).toEqual({ status: 413, code: 'payload_too_large', message: 'request body is too large' });
    const badLength = Object.assign(new Error('Request body size did not match Content-Length'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
    expect(toErrorBody(badLength).body).toEqual({ status: 400, code: 'validation_failed', message: badLength.message });
    expect(toErrorBody(Object.assign(new Error('boom'), { code: 'ECONNRESET', statusCode: 400 })).unexpected).toBe(true);
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toErrorBody(new NotFoundException()).body).toEqual({ status: 404, code: 'not_found', message: 'route not found' });
    expect(toErrorBody(new HttpException('slow down', 429)).body.code).toBe('rate_limited');
  });

  it('maps a unique violation to conflict', () => {
    const err = new QueryFailedError('INSERT ...', [], Object.assign(new Error('duplicate key'), { code: '23505' }));
    expect(toErrorBody(err).body.code).toBe('conflict');
  });

  it('answers anything else with a generic 500 that leaks nothing', () => {
    const { body, unexpected } = toErrorBody(new Error('relation "basalt.secret_table" does not exist at SELECT * FROM ...'));
    expect(body).toEqual({ status: 500, code: 'internal', message: 'internal error' });
    expect(unexpected).toBe(true);
  });
});
