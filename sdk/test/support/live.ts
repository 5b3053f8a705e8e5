import { type BasaltProcess, startBasalt, TEST_ADMIN } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';
import { createClient, type BasaltClient, type ClientOptions, type FetchLike } from '../../src';

export const PASSWORD = 'correct horse battery';

export function newEmail(prefix = 'u'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

/** A fetch that records every request (method + path), so tests can count what the SDK sent. */
export function countingFetch(): { fetch: FetchLike; calls: Array<{ method: string; path: string }>; count(method: string, path: string): number } {
  const calls: Array<{ method: string; path: string }> = [];
  const fetchImpl: FetchLike = (input, init) => {
    calls.push({ method: init?.method ?? 'GET', path: new URL(input).pathname });
    return fetch(input, init as RequestInit);
  };
  return { fetch: fetchImpl, calls, count: (method, path) => calls.filter((c) => c.method === method && c.path === path).length };
}

/** One live server for a test file, and clients of it. */
export class Live {
  private constructor(readonly server: BasaltProcess) {}

  static async start(env: Record<string, string> = {}): Promise<Live> {
    return new Live(await startBasalt({ env }));
  }

  get url(): string {
    return this.server.url;
  }

  client(opts: ClientOptions = {}): BasaltClient {
    return createClient(this.server.url, opts);
  }

  /** A client with the test admin signed in. */
  async admin(): Promise<BasaltClient> {
    const c = this.client();
    await c.admin.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    return c;
  }

  /** A client with a fresh user signed up and signed in. */
  async user(opts: ClientOptions = {}): Promise<{ client: BasaltClient; email: string }> {
    const client = this.client(opts);
    const email = newEmail();
    await client.auth.signUp({ email, password: PASSWORD });
    return { client, email };
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

export { TEST_ADMIN };
