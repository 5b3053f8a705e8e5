// The fan-out floor: node:http + pg + Socket.IO, the least code that stores a write and tells every
// subscriber of the collection. The record is inserted with the SQL Basalt runs, answered, then sent
// as ONE broadcast: Socket.IO encodes the packet once and writes the same frame to every socket. No
// per-subscriber rule, no per-socket packet, no recovery store. Whatever Basalt's fan-out spends
// above this is its own. Also answers GET /notes/:id for the concurrent HTTP load.
// Run: node realtime-server.mjs <databaseUrl> <port>
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';
import { readJson, send } from './http.mjs';

const [databaseUrl, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const iso = (column) => `to_char("${column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${column}"`;
const COLUMNS = ['"id"', iso('createdAt'), iso('updatedAt'), '"title"', '"n"', '"published"'].join(', ');

let seq = 0;
const http = createServer(async (req, res) => {
  try {
    const parts = req.url.split('/').filter(Boolean);
    if (req.method === 'POST' && parts[0] === 'feed') {
      const { title, n, published } = await readJson(req);
      const { rows } = await pool.query(`INSERT INTO feed ("id", "title", "n", "published") VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`, [randomUUID(), title, n, published]);
      send(res, 201, rows[0]);
      io.to('feed').emit('change', { subscriptionId: 'feed', action: 'create', record: rows[0], seq: ++seq });
      return;
    }
    if (req.method === 'GET' && parts[0] === 'notes' && parts[1]) {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM notes WHERE "id" = $1`, [parts[1]]);
      return rows[0] ? send(res, 200, rows[0]) : send(res, 404, { error: { code: 'not_found' } });
    }
    send(res, 404, { error: { code: 'not_found' } });
  } catch (e) {
    send(res, 500, { error: { code: 'internal', message: e.message } });
  }
});
const io = new Server(http, { path: '/realtime', transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('subscribe', ({ collection } = {}, ack) => {
    socket.join(collection);
    ack?.({ ok: true, subscriptionId: randomUUID() });
  });
});
http.listen(Number(port), '127.0.0.1', () => process.send?.({ ready: true }));
