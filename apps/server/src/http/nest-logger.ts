import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's own chatter (module init, route mapping) goes to pino at debug; its warnings and errors stay visible. */
export function nestLogger(log: Logger): LoggerService {
  const child = log.child({ component: 'nest' });
  const text = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));
  return {
    log: (m: unknown, ctx?: string) => child.debug({ ctx }, text(m)),
    debug: (m: unknown, ctx?: string) => child.debug({ ctx }, text(m)),
    verbose: (m: unknown, ctx?: string) => child.trace({ ctx }, text(m)),
    warn: (m: unknown, ctx?: string) => child.warn({ ctx }, text(m)),
    error: (m: unknown, trace?: string, ctx?: string) => child.error({ ctx, trace }, text(m)),
    fatal: (m: unknown, ctx?: string) => child.fatal({ ctx }, text(m)),
  };
}
