import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { bodyEnded } from './body-end.js';

/** A request body still arriving, as the upload sees it after it stopped parsing. */
function arriving(): PassThrough & { complete: boolean } {
  return Object.assign(new PassThrough(), { complete: false });
}

describe('bodyEnded', () => {
  it('reads the rest of the body and resolves when it ends', async () => {
    const req = arriving();
    let resolved = false;
    const ended = bodyEnded(req as unknown as IncomingMessage, 60_000).then(() => (resolved = true));
    req.write(Buffer.alloc(1024 * 1024));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    req.end(Buffer.alloc(1024 * 1024));
    await ended;
    expect(req.readableEnded).toBe(true);
  });

  it('stops waiting after maxMs for a client that keeps sending', async () => {
    const req = arriving();
    const sending = setInterval(() => req.write(Buffer.alloc(1024)), 5);
    try {
      const started = Date.now();
      await bodyEnded(req as unknown as IncomingMessage, 50);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(req.readableEnded).toBe(false);
    } finally {
      clearInterval(sending);
    }
  });

  it('resolves at once for a body already read, or a request already gone', async () => {
    const complete = Object.assign(new PassThrough(), { complete: true });
    await bodyEnded(complete as unknown as IncomingMessage, 60_000);
    const gone = arriving();
    gone.destroy();
    await bodyEnded(gone as unknown as IncomingMessage, 60_000);
  });
});
