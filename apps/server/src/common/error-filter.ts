import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorEnvelope } from '@basalt/contracts';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error.js';
import type { BasaltRequest } from './request-context.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Errors Fastify raises before Nest sees the request (body too large, bad Content-Length, bad URL) carry `code` and `statusCode`. */
interface FastifyError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyError(e: unknown): e is FastifyError {
  const f = e as Partial<FastifyError> | null;
  return e instanceof Error && typeof f?.code === 'string' && f.code.startsWith('FST_') && typeof f.statusCode === 'number';
}

/** Maps anything thrown to the one error envelope; the cause of a 500 goes to the log only. */
export function toErrorBody(e: unknown): { body: ErrorBody; unexpected: boolean } {
  if (e instanceof AppError) {
    return { body: { status: e.status, code: e.code, message: e.message, ...(e.details && { details: e.details }) }, unexpected: false };
  }
  if (isFastifyError(e)) {
    if (e.statusCode === 413) return { body: envelope('payload_too_large', 'request body is too large'), unexpected: false };
    const code = CODE_BY_STATUS[e.statusCode];
    if (code) return { body: { status: e.statusCode, code, message: e.message }, unexpected: false };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = CODE_BY_STATUS[status];
    if (code) return { body: { status, code, message: httpMessage(e, code) }, unexpected: false };
  }
  const pgCode = e instanceof QueryFailedError ? (e.driverError as { code?: string })?.code : undefined;
  if (pgCode === '23505') return { body: envelope('conflict', 'a record with this value already exists'), unexpected: false };
  // Text Postgres cannot store (U+0000) that slipped past validation, e.g. inside a tampered cursor.
  if (pgCode === '22021' || pgCode === '22P05') return { body: envelope('validation_failed', 'text must not contain NUL characters'), unexpected: false };
  return { body: envelope('internal', 'internal error'), unexpected: true };
}

function envelope(code: ErrorCode, message: string): ErrorBody {
  return { status: ERROR_STATUS[code], code, message };
}

function httpMessage(e: HttpException, code: ErrorCode): string {
  if (code === 'not_found') return 'route not found';
  const res = e.getResponse();
  const msg = typeof res === 'string' ? res : (res as { message?: unknown }).message;
  return typeof msg === 'string' ? msg : e.message;
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    answerError(this.log, host.switchToHttp().getRequest<BasaltRequest>(), host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

/** Answers anything thrown while serving a request (a Nest route or a Fastify one) with the envelope. */
export function answerError(log: Logger, req: BasaltRequest, res: FastifyReply, exception: unknown): void {
  const { body, unexpected } = toErrorBody(exception);
  if (unexpected) log.error({ err: exception, requestId: req.requestId }, 'unexpected error');
  if (res.raw.headersSent) {
    res.raw.destroy();
    return;
  }
  if (body.code === 'rate_limited' && exception instanceof AppError && exception.details?.retryAfter) {
    res.header('Retry-After', exception.details.retryAfter);
  }
  sendErrorEnvelope(res, req.requestId, body);
}

export function sendErrorEnvelope(reply: FastifyReply, requestId: string, body: ErrorBody): void {
  const payload: ErrorEnvelope = { error: { ...body, requestId } };
  void reply.status(body.status || HttpStatus.INTERNAL_SERVER_ERROR).send(payload);
}
