import type { PoolClient, QueryResult } from 'pg';

/**
 * SQLSTATEs after which a named statement is re-prepared instead of failing the query:
 * - 42P05: the session already holds the name. PGlite serves every connection from one session, so
 *   a connection opened after another was dropped does not know what its predecessor prepared.
 * - 26000: the session no longer holds it (a `DISCARD ALL` or `DEALLOCATE` by someone else).
 * - 0A000 "cached plan must not change result type": a column the statement returns changed type
 *   under the same SQL (a field made multiple).
 */
function isStale(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === '42P05' || code === '26000' || (code === '0A000' && typeof message === 'string' && message.includes('cached plan'));
}

/** How many SQL texts keep their statement name; past it the oldest loses its name (and is re-prepared under a new one if it comes back). */
const NAMED_TEXTS = 4096;

/** Names are unique in the process, so two caches on one pool never give one name to two texts. */
let lastName = 0;

/**
 * Named prepared statements, so Postgres parses and plans each SQL text once per connection
 * instead of on every query (paired runs: +26 % gets/s on PostgreSQL, +58 % on PGlite, whose
 * planner runs on the server's own thread; docs/benchmarks.md, tenth round). Each connection keeps
 * at most `perConnection` statements and deallocates the least recently used, because a filter's
 * shape is the client's choice and node-postgres never deallocates on its own.
 */
export class StatementCache {
  private readonly names = new Map<string, string>();
  /** Per connection: the names it holds, least recently used first. */
  private readonly held = new WeakMap<PoolClient, Set<string>>();

  constructor(private readonly perConnection: number) {
    if (!(perConnection > 0)) throw new Error('StatementCache: perConnection must be positive');
  }

  async query(client: PoolClient, text: string, values?: unknown[]): Promise<QueryResult> {
    const name = this.nameOf(text);
    await this.hold(client, name);
    try {
      return await client.query({ name, text, values });
    } catch (err) {
      if (!isStale(err)) throw err;
      await this.drop(client, name);
      this.held.get(client)!.add(name);
      return client.query({ name, text, values });
    }
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= NAMED_TEXTS) this.names.delete(this.names.keys().next().value!);
      this.names.set(text, (name = `basalt_${(++lastName).toString(36)}`));
    }
    return name;
  }

  /** Marks the name most recently used on this connection, making room first if it is new. */
  private async hold(client: PoolClient, name: string): Promise<void> {
    let names = this.held.get(client);
    if (!names) this.held.set(client, (names = new Set()));
    if (names.delete(name)) {
      names.add(name);
      return;
    }
    if (names.size >= this.perConnection) await this.drop(client, names.values().next().value!);
    names.add(name);
  }

  /** Deallocates a name on the connection; one the session does not hold is already gone. */
  private async drop(client: PoolClient, name: string): Promise<void> {
    this.held.get(client)?.delete(name);
    forgetParsed(client, name);
    await client.query(`DEALLOCATE ${name}`).catch((err: { code?: unknown }) => {
      if (err.code !== '26000') throw err;
    });
  }
}

/**
 * node-postgres records on the connection which names it has parsed, and sends only Bind for them
 * from then on; it has no API to forget one. Without this, a deallocated name would fail with 26000.
 */
function forgetParsed(client: PoolClient, name: string): void {
  const connection = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection;
  if (connection?.parsedStatements) delete connection.parsedStatements[name];
}
