import { jest } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PgliteWire } from './pglite-wire.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A startup message, then `SELECT 41 + 1` as a simple query, as the bytes a client sends. */
function startupThenQuery(): Buffer {
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  const sql = Buffer.from('SELECT 41 + 1 AS answer\0');
  const query = Buffer.alloc(5);
  query[0] = 0x51; // 'Q'
  query.writeInt32BE(4 + sql.length, 1);
  return Buffer.concat([startup, params, query, sql]);
}

/** The stream node-postgres reads and writes (the wire's connection), as a socket that breaks. */
const streamOf = (c: pg.Client) => (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;

/** The type bytes of the backend messages in `bytes`, after the startup's replies. */
function messageTypes(bytes: Buffer): string {
  let types = '';
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) types += String.fromCharCode(bytes[at]);
  return types;
}

describe('PgliteWire', () => {
  let db: PGlite;
  let wire: PgliteWire;
  const clients: pg.Client[] = [];

  const client = async (): Promise<pg.Client> => {
    const c = new pg.Client({ user: 'postgres', database: 'postgres', stream: () => wire.connect() });
    c.on('error', () => undefined); // the drop tests break clients on purpose
    clients.push(c);
    await c.connect();
    return c;
  };
  const labels = async (c: pg.Client) => (await c.query('SELECT label FROM scratch ORDER BY label')).rows.map((r) => r.label);

  beforeAll(async () => {
    db = await PGlite.create();
    wire = new PgliteWire(db);
    await db.exec('CREATE TABLE scratch (label text PRIMARY KEY)');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await db.exec('DELETE FROM scratch');
  });
  afterAll(async () => {
    wire.close();
    await db.close();
  });

  it('answers a client that writes its messages a byte at a time', async () => {
    const stream = wire.connect();
    const reply: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => reply.push(chunk));
    for (const byte of startupThenQuery()) {
      stream.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sleep(50);
    stream.destroy();

    const bytes = Buffer.concat(reply);
    // Authentication, parameters and ReadyForQuery; then the query's row description, row and
    // completion, parameters PGlite reports again, and ReadyForQuery.
    expect(messageTypes(bytes)).toMatch(/^RS+KZTDCS*Z$/);
    expect(bytes.includes(Buffer.from('42'))).toBe(true);
  });

  it('runs the messages pg writes for a prepared statement together, and the statement is reused', async () => {
    const c = await client();
    const calls = jest.spyOn(db, 'execProtocolRawStream');
    try {
      // Parse, Bind, Describe, Execute and Sync the first time; Bind, Execute and Sync after.
      for (const label of ['a', 'b', 'c']) await c.query({ name: 'insert-label', text: 'INSERT INTO scratch (label) VALUES ($1)', values: [label] });
      expect(calls).toHaveBeenCalledTimes(3);
    } finally {
      calls.mockRestore();
    }
    await expect(labels(c)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('holds other connections back while one has a transaction open', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query(`INSERT INTO scratch (label) VALUES ('a')`);
    let read: string[] | undefined;
    const reading = labels(b).then((seen) => (read = seen));
    await sleep(100);
    expect(read).toBeUndefined();

    await a.query('COMMIT');
    await reading;
    expect(read).toEqual(['a']);
  });

  it.each([
    ['ends its stream', (c: pg.Client) => c.end()],
    ['breaks off', (c: pg.Client) => streamOf(c).destroy()],
  ])('rolls back the open transaction of a connection that %s, then lets the others on', async (_, drop) => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query(`INSERT INTO scratch (label) VALUES ('dropped')`);
    const reading = labels(b);
    await sleep(50);

    await drop(a);
    await expect(reading).resolves.toEqual([]);
    expect(db.isInTransaction()).toBe(false);
    await b.query(`INSERT INTO scratch (label) VALUES ('after')`);
    await expect(labels(b)).resolves.toEqual(['after']);
  });

  it('rolls back a transaction opened by messages that were running when their connection broke', async () => {
    const a = await client();
    const b = await client();
    const stream = streamOf(a);
    const exec = db.execProtocolRawStream.bind(db);
    const running = jest.spyOn(db, 'execProtocolRawStream').mockImplementation((message, options) => {
      if (Buffer.from(message).includes('dropped')) stream.destroy();
      return exec(message, options);
    });
    try {
      await a.query(`BEGIN; INSERT INTO scratch (label) VALUES ('dropped')`).catch(() => undefined);
      await expect(labels(b)).resolves.toEqual([]);
      expect(db.isInTransaction()).toBe(false);
    } finally {
      running.mockRestore();
    }
  });
});
