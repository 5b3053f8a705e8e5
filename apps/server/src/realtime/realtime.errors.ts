import type { ErrorBody, RealtimeErrorAck } from '@basalt/contracts';
import { AppError } from '../common/app-error.js';

/** The API error body for anything a realtime handler threw; unexpected errors say nothing about themselves. */
export function errorBodyOf(err: unknown): ErrorBody {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message, ...(err.details && { details: err.details }) };
  return { status: 500, code: 'internal', message: 'something went wrong on the server' };
}

export function errorAck(err: unknown): RealtimeErrorAck {
  return { ok: false, error: errorBodyOf(err) };
}

export const RealtimeErrors = {
  rateLimited: (perSecond: number) => new AppError('rate_limited', `too many messages: at most ${perSecond} per second on one socket`),
  tooLarge: (what: string, bytes: number) => new AppError('payload_too_large', `${what} must be at most ${bytes} bytes of JSON`, { [what]: `at most ${bytes} bytes` }),
  tooMany: (what: string, max: number) => new AppError('validation_failed', `at most ${max} ${what} per socket`, { [what]: `at most ${max} per socket` }),
  unknownSubscription: (id: string) => new AppError('not_found', `no subscription ${id} on this socket`),
  notAMember: (channel: string) => new AppError('forbidden', `join ${channel} before broadcasting to it`),
};
