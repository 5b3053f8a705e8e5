// The floor: node:http + pg (pool of 10) answering the benchmark's cases with the SQL Basalt runs for
// them, and nothing else (no framework, no rules engine, no validation beyond what the case needs).
// Whatever Basalt spends above this is overhead. Run: node server.mjs <databaseUrl> <port> <secret>
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { readJson, send } from './http.mjs';
import { verifyPassword } from './password.mjs';

const [databaseUrl, port, secret] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const b64url = (b) => Buffer.from(b).toString('base64url');
function signJwt(claims) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}
function verifyJwt(token) {
  const [head, body, sig] = token.split('.');
  if (!sig) return null;
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return null;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  return claims.exp > Date.now() / 1000 ? claims : null;
}

function page(rows, limit) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, limit, nextCursor: rows.length > limit ? b64url(JSON.stringify([last.score, last.id])) : null };
}

const ORDER = `ORDER BY r."score" DESC NULLS FIRST, r."id" ASC NULLS LAST`;
// Basalt's record reads name their columns and have Postgres format the two timestamps as ISO text
// (recordColumns in apps/server/src/collections/records/record-mapper.ts); the floor does the same.
const iso = (column) => `to_char(r."${column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${column}"`;
const ITEM_COLUMNS = ['r."id"', iso('createdAt'), iso('updatedAt'), 'r."title"', 'r."score"', 'r."published"', 'r."body"'].join(', ');
const OWNED_COLUMNS = `${ITEM_COLUMNS}, r."owner"`;

async function handle(req, res) {
  const url = new URL(req.url, 'http://floor');
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method === 'GET' && parts[0] === 'items' && parts[1]) {
    const { rows } = await pool.query(`SELECT ${ITEM_COLUMNS} FROM items r WHERE r."id" = $1 AND TRUE`, [parts[1]]);
    return rows[0] ? send(res, 200, rows[0]) : send(res, 404, { error: 'not found' });
  }
  if (req.method === 'GET' && parts[0] === 'items') {
    const limit = Number(url.searchParams.get('limit'));
    const min = Number(url.searchParams.get('min'));
    const { rows } = await pool.query(
      `SELECT ${ITEM_COLUMNS} FROM items r WHERE TRUE AND ((r."published" = $1::boolean AND r."published" IS NOT NULL) AND (r."score" >= $2::double precision AND r."score" IS NOT NULL)) ${ORDER} LIMIT $3`,
      [true, min, limit + 1],
    );
    return send(res, 200, page(rows, limit));
  }
  if (req.method === 'POST' && parts[0] === 'items') {
    const b = await readJson(req);
    const { rows } = await pool.query('INSERT INTO items ("id", "title", "score", "published", "body") VALUES ($1, $2, $3, $4, $5) RETURNING *', [
      randomUUID(), b.title, b.score, b.published, b.body,
    ]);
    return send(res, 201, rows[0]);
  }
  if (req.method === 'GET' && parts[0] === 'owned') {
    const claims = verifyJwt((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!claims) return send(res, 401, { error: 'unauthorized' });
    const limit = Number(url.searchParams.get('limit'));
    const { rows } = await pool.query(`SELECT ${OWNED_COLUMNS} FROM owned r WHERE (r."owner" = $1::uuid AND r."owner" IS NOT NULL) ${ORDER} LIMIT $2`, [claims.sub, limit + 1]);
    return send(res, 200, page(rows, limit));
  }
  if (req.method === 'POST' && parts[0] === 'login') {
    const b = await readJson(req);
    const { rows } = await pool.query('SELECT u.*, c."password_hash" FROM users u JOIN credentials c ON c."user_id" = u."id" WHERE u."email" = $1', [b.email]);
    if (!rows[0] || !(await verifyPassword(b.password, rows[0].password_hash))) return send(res, 401, { error: 'unauthorized' });
    const { password_hash: _, ...user } = rows[0];
    const refresh = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    await pool.query(`INSERT INTO sessions ("id", "user_id", "refresh_hash", "expires_at") VALUES ($1, $2, $3, now() + interval '30 days')`, [
      sessionId, user.id, createHmac('sha256', secret).update(refresh).digest('base64url'),
    ]);
    const accessToken = signJwt({ sub: user.id, sid: sessionId, exp: Math.floor(Date.now() / 1000) + 3600 });
    return send(res, 200, { user, session: { accessToken, refreshToken: refresh, expiresIn: 3600 } });
  }
  send(res, 404, { error: 'not found' });
}

createServer((req, res) => handle(req, res).catch((e) => send(res, 500, { error: String(e.message) }))).listen(Number(port), '127.0.0.1', () => {
  process.send?.('listening');
});
