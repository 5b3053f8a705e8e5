import { pino, type Logger } from 'pino';

/** Paths never written to the log, whatever object they appear in. */
const REDACT = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken', 'secret', '*.secret',
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'headers.authorization', 'headers["x-api-key"]',
  'key', '*.key', 'clientSecret', '*.clientSecret',
];

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'basalt' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Nest injection token for the process logger. */
export const LOGGER = Symbol('LOGGER');
