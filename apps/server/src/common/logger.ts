import { pino, type Logger } from 'pino';

/** Paths never written to the log, whatever object they appear in. */
const REDACT = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken', 'secret', '*.secret',
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'headers.authorization', 'headers["x-api-key"]',
  'key', '*.key', 'clientSecret', '*.clientSecret',
];

/**
 * Pino's `isoTime`, made once per millisecond: every request writes a line, and formatting the
 * date was 2 % of a record read's CPU (docs/benchmarks.md, seventh round); under load several
 * lines share a millisecond.
 */
export function isoTimeEachMs(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let field = '';
  return () => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      field = `,"time":"${new Date(ms).toISOString()}"`;
    }
    return field;
  };
}

/**
 * JSON lines on stdout, written asynchronously: a synchronous write is a syscall on the event loop
 * for every request line, where async writes coalesce whatever was logged while the last one was in
 * flight. Pino flushes what is pending when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, base: { service: 'basalt' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: isoTimeEachMs() },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Nest injection token for the process logger. */
export const LOGGER = Symbol('LOGGER');
