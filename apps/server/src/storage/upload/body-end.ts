import type { IncomingMessage } from 'node:http';

/**
 * How long the rest of a refused upload is read (and dropped) before the answer goes out. A client
 * still sending when the server answers and closes the connection sees it reset instead of the
 * answer; the bound keeps a client that never stops from holding the connection.
 */
export const LINGER_MS = 2000;

/**
 * Reads and drops what is left of a request body; resolves once it has ended, the request is gone,
 * or `maxMs` have passed.
 */
export function bodyEnded(req: IncomingMessage, maxMs = LINGER_MS): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off('end', done).off('close', done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    req.once('end', done).once('close', done);
    req.resume();
  });
}
