// Creates the floor's database and fills it with the same rows Basalt got, then starts the floor
// server as its own process (so its CPU is measured like Basalt's).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, freePort, SERVER_NODE_FLAGS } from '../lib/services.mjs';
import { FLOOR_DDL } from './schema.mjs';
import { hashPassword } from './password.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const REALTIME_SERVER = fileURLToPath(new URL('./realtime-server.mjs', import.meta.url));

/** users: [{id, email, password}]; items / owned: rows with ids. */
export async function startFloor({ users, items, owned }) {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(FLOOR_DDL);
    for (const u of users) {
      await client.query('INSERT INTO users ("id", "email", "name") VALUES ($1, $2, $3)', [u.id, u.email, 'Bench User']);
      await client.query('INSERT INTO credentials ("user_id", "password_hash") VALUES ($1, $2)', [u.id, await hashPassword(u.password)]);
    }
    await insertRows(client, 'items', ['id', 'title', 'score', 'published', 'body'], items);
    await insertRows(client, 'owned', ['id', 'title', 'score', 'published', 'body', 'owner'], owned);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  const port = await freePort();
  return serve(SERVER, [db.url, String(port), randomBytes(32).toString('base64url')], port, db);
}

/**
 * The fan-out floor (`realtime-server.mjs`) on a database of its own: `feed` (what the writes insert
 * and the subscribers hear of) and `notes` (what the concurrent GETs read), with the column types
 * Basalt gives the fan-out's collections (text, number as double precision, boolean).
 */
export async function startRealtimeFloor({ notes }) {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const table of ['feed', 'notes']) {
      await client.query(`CREATE TABLE ${table} (
        "id" uuid PRIMARY KEY,
        "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        "title" text, "n" double precision, "published" boolean)`);
    }
    await insertRows(client, 'notes', ['id', 'title', 'n', 'published'], notes);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  const port = await freePort();
  return serve(REALTIME_SERVER, [db.url, String(port)], port, db);
}

/** A floor server as its own process (so its CPU is measured like Basalt's), ready once it says so; stop() also drops its database. */
async function serve(script, args, port, db) {
  const child = fork(script, args, { execArgv: SERVER_NODE_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`floor server ${script} exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await db.drop();
    },
  };
}

async function insertRows(client, table, columns, rows) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = [];
    const tuples = chunk.map((row, j) => {
      columns.forEach((c) => values.push(row[c]));
      return `(${columns.map((_, k) => `$${j * columns.length + k + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

/** ANALYZE a database (Basalt's, after seeding), so both planners work from statistics. */
export async function analyze(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
