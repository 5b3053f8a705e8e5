import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

const TERMINATE = 0x58; // 'X'
/** Sync, then `ROLLBACK` as a simple query: ends whatever a dropped connection left open. */
const ROLLBACK = Buffer.concat([Buffer.from([0x53, 0, 0, 0, 4]), simpleQuery('ROLLBACK')]);

function simpleQuery(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const head = Buffer.alloc(5);
  head[0] = 0x51; // 'Q'
  head.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([head, text]);
}

interface Work {
  connection: WireConnection;
  bytes: Uint8Array;
}

/**
 * The Postgres wire protocol to one PGlite, in-process: node-postgres gets a stream per connection
 * (its `stream` option) instead of a socket. Everything a client wrote in one turn of the event loop
 * (pg writes Parse, Bind, Describe, Execute and Sync one by one) reaches PGlite as one call, and its
 * reply comes back as one chunk; `pglite-socket` ran each message on its own and wrote each reply
 * chunk to a Unix socket on its own (docs/benchmarks.md, tenth round).
 *
 * PGlite is one session for every connection, so the wire keeps what a server gives each session:
 * while a connection's transaction is open only that connection's messages run, and a connection
 * that goes away with a transaction open has it rolled back before anyone else's messages run.
 */
export class PgliteWire {
  private readonly waiting: Work[] = [];
  private readonly connections = new Set<WireConnection>();
  /** The connection whose transaction is open, if one is. */
  private owner?: WireConnection;
  /** What PGlite runs now; `undefined` when the wire is idle. */
  private current?: Work;

  constructor(private readonly db: PGlite) {}

  /** A new client connection: node-postgres's `stream` option. */
  connect(): Duplex {
    const connection = new WireConnection(this);
    this.connections.add(connection);
    return connection;
  }

  /** Ends every connection; what they had waiting is dropped. */
  close(): void {
    for (const connection of this.connections) connection.destroy();
  }

  /** @internal Complete messages of one connection, to run in the order they came. */
  submit(connection: WireConnection, bytes: Uint8Array): void {
    this.waiting.push({ connection, bytes });
    void this.pump();
  }

  /** @internal The connection is gone: drop its waiting messages, roll back its transaction. */
  detach(connection: WireConnection): void {
    if (!this.connections.delete(connection)) return;
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].connection === connection) this.waiting.splice(i, 1);
    // With its messages running, `run` sees to it once they are done.
    if (this.owner === connection && this.current?.connection !== connection) this.submit(connection, ROLLBACK);
  }

  private async pump(): Promise<void> {
    if (this.current) return;
    try {
      for (this.current = this.next(); this.current; this.current = this.next()) await this.run(this.current);
    } finally {
      this.current = undefined;
    }
  }

  private next(): Work | undefined {
    const at = this.owner ? this.waiting.findIndex((w) => w.connection === this.owner) : 0;
    return at < 0 ? undefined : this.waiting.splice(at, 1)[0];
  }

  private async run({ connection, bytes }: Work): Promise<void> {
    const reply: Buffer[] = [];
    try {
      // PGlite's own lock: nothing else it runs (its close, above all) interleaves with the messages.
      await this.db.runExclusive(() =>
        // The bytes handed over are a view of PGlite's memory, valid only during the call.
        this.db.execProtocolRawStream(bytes, { onRawData: (chunk) => reply.push(Buffer.from(chunk)) }),
      );
    } catch (e) {
      // Not an error reply (those come back as bytes) but PGlite itself failing, e.g. closed: the
      // others are let on, to fail alike rather than wait for a transaction that cannot end.
      if (this.owner === connection) this.owner = undefined;
      connection.destroy(e as Error);
      return;
    }
    this.owner = this.db.isInTransaction() ? connection : undefined;
    if (this.owner && !this.connections.has(connection)) {
      // It went away while these messages ran, and they opened a transaction.
      this.waiting.unshift({ connection, bytes: ROLLBACK });
      return;
    }
    connection.receive(reply);
  }
}

/** One client's end of the wire: what pg writes is cut into complete messages for the wire to run. */
class WireConnection extends Duplex {
  private pending: Buffer[] = [];
  private scheduled = false;
  private started = false;
  /** Ended or destroyed: a reply still coming (a rollback's) is dropped. */
  private gone = false;

  constructor(private readonly wire: PgliteWire) {
    super();
  }

  // node-postgres treats its stream as a socket.
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  /** @internal PGlite's reply to what this connection sent. */
  receive(reply: Buffer[]): void {
    if (this.gone || reply.length === 0) return;
    this.push(reply.length === 1 ? reply[0] : Buffer.concat(reply));
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      // pg writes a query's messages one by one in the same turn: they are sent on together.
      process.nextTick(() => this.send());
    }
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.gone = true;
    this.wire.detach(this);
    this.push(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.gone = true;
    this.wire.detach(this);
    done(error);
  }

  /** Sends the complete messages written so far and keeps an incomplete one for the next write. */
  private send(): void {
    this.scheduled = false;
    if (this.gone) return;
    let bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    if (!this.started) {
      // The startup message has no type byte, and goes to PGlite on its own.
      if (bytes.length < 4 || bytes.length < bytes.readInt32BE(0)) return void this.pending.push(bytes);
      const length = bytes.readInt32BE(0);
      this.started = true;
      this.wire.submit(this, bytes.subarray(0, length));
      bytes = bytes.subarray(length);
    }
    let end = 0;
    while (end + 5 <= bytes.length) {
      const length = 1 + bytes.readInt32BE(end + 1);
      if (end + length > bytes.length) break;
      if (bytes[end] === TERMINATE) {
        // PGlite would read it as its own exit; the client ends its stream next, which detaches it.
        if (end > 0) this.wire.submit(this, bytes.subarray(0, end));
        return;
      }
      end += length;
    }
    if (end > 0) this.wire.submit(this, bytes.subarray(0, end));
    if (end < bytes.length) this.pending.push(bytes.subarray(end));
  }
}
