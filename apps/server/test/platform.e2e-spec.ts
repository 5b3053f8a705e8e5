import type { AdminAuthResponse, CreatedApiKey, ErrorEnvelope, ListResponse, ReadinessResponse, RequestLogEntry, Settings } from '@basalt/contracts';
import { startSmtpSink } from './contracts/mail.smtp-sink.js';
import { type ApiClient, apiClient, type BasaltProcess, errorOf, eventually, startBasalt, TEST_ADMIN } from '@basalt/testkit';

let basalt: BasaltProcess;
let api: ApiClient;
let adminToken: string;

beforeAll(async () => {
  basalt = await startBasalt();
  api = apiClient(basalt.url);
  const res = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
  adminToken = res.body.token;
});

afterAll(async () => {
  await basalt?.stop();
});

async function createKey(scopes: string[], extra: Record<string, unknown> = {}): Promise<CreatedApiKey> {
  const res = await api<CreatedApiKey>('POST', '/api/admin/keys', { token: adminToken, body: { name: 'test', scopes, ...extra } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('health and docs', () => {
  it('answers liveness and readiness with every dependency ok', async () => {
    expect((await api('GET', '/api/health')).body).toEqual({ status: 'ok' });
    const ready = await api<ReadinessResponse>('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual(['blobs', 'database', 'events', 'mail', 'queue']);
    for (const check of Object.values(ready.body.checks)) expect(check.status).toBe('ok');
    expect(ready.body.checks.database!.driver).toBe(basalt.drivers === 'scaled' ? 'postgres' : 'pglite');
  });

  it('serves an OpenAPI document generated from the controllers', async () => {
    const res = await api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/admin/auth', '/api/admin/keys', '/api/health/ready']));
  });

  it('documents the records routes, which no controller answers, with their parameters', async () => {
    type Operation = { parameters: Array<{ name: string; in: string }> };
    const { body } = await api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/docs/openapi.json');
    const page = body.paths['/api/collections/{collection}/records']!;
    const one = body.paths['/api/collections/{collection}/records/{id}']!;
    expect(Object.keys(page).sort()).toEqual(['get', 'post']);
    expect(Object.keys(one).sort()).toEqual(['delete', 'get', 'patch']);
    const names = (op: Operation) => op.parameters.map((p) => `${p.in}:${p.name}`);
    expect(names(page.get!).sort()).toEqual(
      ['path:collection', ...['count', 'cursor', 'expand', 'fields', 'filter', 'limit', 'offset', 'sort'].map((n) => `query:${n}`)].sort(),
    );
    expect(names(one.get!)).toEqual(['path:collection', 'path:id', 'query:fields', 'query:expand', 'header:If-None-Match']);
    for (const write of [one.patch!, one.delete!]) expect(names(write)).toEqual(['path:collection', 'path:id', 'header:If-Match']);
    expect(names(page.post!)).toEqual(['path:collection']);
  });

  it('exposes Prometheus metrics with HTTP latency histograms', async () => {
    const res = await api('GET', '/metrics', { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toContain('basalt_http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/route="\/api\/health"/);
  });
});

describe('error envelope', () => {
  it('answers an unknown route with 404 not_found and a request id', async () => {
    const res = await api<ErrorEnvelope>('GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ status: 404, code: 'not_found' });
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON with 400', async () => {
    const res = await api('POST', '/api/admin/auth', { rawBody: '{"email": "a@b.c", ' });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ status: 400, code: 'validation_failed', message: 'request body is not valid JSON' });
  });

  it('answers a 2 MB JSON body with 413', async () => {
    const res = await api('POST', '/api/admin/auth', { rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
  });

  it('rejects unknown properties and names the field in details', async () => {
    const res = await api('POST', '/api/admin/auth', { body: { ...TEST_ADMIN, role: 'root' } });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveProperty('role');
    const bad = await api('POST', '/api/admin/auth', { body: { email: 'not-an-email', password: 'x' } });
    expect(errorOf(bad)).toMatchObject({ code: 'validation_failed', details: { email: expect.any(String) } });
  });
});

describe('admin auth', () => {
  it('signs in with the right password and refuses a wrong one or an unknown email', async () => {
    const ok = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
    expect(ok.status).toBe(200);
    expect(ok.body.admin.email).toBe(TEST_ADMIN.email);
    const me = await api('GET', '/api/admin/me', { token: ok.body.token });
    expect(me.body).toMatchObject({ email: TEST_ADMIN.email });
    expect((await api('POST', '/api/admin/auth', { body: { ...TEST_ADMIN, password: 'wrong-password' } })).status).toBe(401);
    const unknown = await api('POST', '/api/admin/auth', { body: { email: 'nobody@basalt.test', password: 'whatever-123' } });
    expect(unknown.status).toBe(401);
    expect(errorOf(unknown).message).toBe('wrong email or password');
  });

  it.each([
    ['a malformed Authorization header', { authorization: 'Token abc' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a forged token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }],
    ['an alg:none token', { authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x","typ":"admin"}').toString('base64url')}.` }],
  ])('answers %s with 401, never as a guest', async (_, headers) => {
    const res = await api('GET', '/api/health', { headers });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
  });

  it('answers admin routes without credentials with 401', async () => {
    expect((await api('GET', '/api/admin/keys')).status).toBe(401);
  });
});

describe('API keys', () => {
  it('returns the secret once, lists keys without it, and resolves X-Api-Key', async () => {
    const key = await createKey(['records:read']);
    expect(key.key).toMatch(/^bsk_/);
    const list = await api<ListResponse<Record<string, unknown>>>('GET', '/api/admin/keys', { token: adminToken });
    const listed = list.body.items.find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: 'test', scopes: ['records:read'], prefix: key.key.slice(0, 10) });
    expect(JSON.stringify(list.body)).not.toContain(key.key);
    expect((await api('GET', '/api/health', { apiKey: key.key })).status).toBe(200);
  });

  it('answers a records:read key on an admin route with 403', async () => {
    const key = await createKey(['records:read']);
    const res = await api('GET', '/api/admin/keys', { apiKey: key.key });
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
    expect((await api('GET', '/api/admin/settings', { apiKey: (await createKey(['*'])).key })).status).toBe(403);
  });

  it('answers a revoked key with 401 from the next request on, though it was just used', async () => {
    const key = await createKey(['records:read']);
    expect((await api('GET', '/api/health', { apiKey: key.key })).status).toBe(200);
    expect((await api('DELETE', `/api/admin/keys/${key.id}`, { token: adminToken })).status).toBe(204);
    const res = await api('GET', '/api/health', { apiKey: key.key });
    expect(res.status).toBe(401);
    expect((await api('DELETE', `/api/admin/keys/${key.id}`, { token: adminToken })).status).toBe(404);
  });

  it('answers an expired key with 401', async () => {
    const expiresAt = Date.now() + 3000;
    const key = await createKey(['records:read'], { expiresAt: new Date(expiresAt).toISOString() });
    expect((await api('GET', '/api/health', { apiKey: key.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 300 - Date.now())));
    expect((await api('GET', '/api/health', { apiKey: key.key })).status).toBe(401);
  });

  it('answers an unknown key and a key that is not ours with 401', async () => {
    expect((await api('GET', '/api/health', { apiKey: 'bsk_doesnotexist' })).status).toBe(401);
    expect((await api('GET', '/api/health', { apiKey: 'something' })).status).toBe(401);
  });

  it('refuses unknown scopes and past expiry dates', async () => {
    const res = await api('POST', '/api/admin/keys', { token: adminToken, body: { name: 'x', scopes: ['root'] } });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveProperty('scopes');
    const past = await api('POST', '/api/admin/keys', { token: adminToken, body: { name: 'x', scopes: ['*'], expiresAt: '2001-01-01T00:00:00Z' } });
    expect(errorOf(past).details).toHaveProperty('expiresAt');
  });
});

describe('settings', () => {
  it('returns defaults, merges a patch, and keeps secrets write-only', async () => {
    const initial = await api<Settings>('GET', '/api/admin/settings', { token: adminToken });
    expect(initial.body.auth.passwordMinLength).toBe(8);
    const patched = await api<Settings>('PATCH', '/api/admin/settings', {
      token: adminToken,
      body: { auth: { passwordMinLength: 12 }, smtp: { url: 'smtp://user:hunter2@mail.example:587', from: 'App <app@example.com>' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.auth).toMatchObject({ passwordMinLength: 12, allowSignup: true });
    expect(patched.body.smtp).toEqual({ url: '********', from: 'App <app@example.com>' });
    expect(patched.text).not.toContain('hunter2');
    // Sending the mask back keeps the stored secret.
    const again = await api<Settings>('PATCH', '/api/admin/settings', { token: adminToken, body: { smtp: { url: '********', from: 'Other <o@example.com>' } } });
    expect(again.body.smtp).toEqual({ url: '********', from: 'Other <o@example.com>' });
    const removed = await api<Settings>('PATCH', '/api/admin/settings', { token: adminToken, body: { smtp: null } });
    expect(removed.body.smtp).toBeNull();
  });

  it('names every bad value in details and changes nothing', async () => {
    const res = await api('PATCH', '/api/admin/settings', { token: adminToken, body: { auth: { passwordMinLength: 2, allowSignup: 'yes' } } });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toEqual({ 'auth.passwordMinLength': expect.any(String), 'auth.allowSignup': expect.any(String) });
    const after = await api<Settings>('GET', '/api/admin/settings', { token: adminToken });
    expect(after.body.auth.passwordMinLength).not.toBe(2);
  });
});

describe('mail outbox, request log and jobs', () => {
  it('delivers a test email through the mail job to the outbox', async () => {
    const res = await api('POST', '/api/admin/mail/test', { token: adminToken, body: { to: 'dev@example.com' } });
    expect(res.status).toBe(202);
    const items = await eventually(async () => {
      const list = await api<ListResponse<{ to: string; subject: string }>>('GET', '/api/admin/mail', { token: adminToken });
      return list.body.items.some((m) => m.to === 'dev@example.com') && list.body.items;
    });
    expect(items[0]).toMatchObject({ to: 'dev@example.com', subject: 'Basalt test email' });
  });

  it('sends through the SMTP server an admin sets in settings, and back to the outbox when it is removed', async () => {
    const sink = await startSmtpSink();
    try {
      const set = await api('PATCH', '/api/admin/settings', { token: adminToken, body: { smtp: { url: sink.url, from: 'Basalt <basalt@example.com>' } } });
      expect(set.status).toBe(200);
      await api('POST', '/api/admin/mail/test', { token: adminToken, body: { to: 'smtp@example.com' } });
      await eventually(async () => sink.received.some((m) => m.to.includes('smtp@example.com')));
      const ready = await api<ReadinessResponse>('GET', '/api/health/ready');
      expect(ready.body.checks.mail).toMatchObject({ status: 'ok', driver: 'smtp' });

      await api('PATCH', '/api/admin/settings', { token: adminToken, body: { smtp: null } });
      await api('POST', '/api/admin/mail/test', { token: adminToken, body: { to: 'outbox-again@example.com' } });
      await eventually(async () => {
        const list = await api<ListResponse<{ to: string }>>('GET', '/api/admin/mail', { token: adminToken });
        return list.body.items.some((m) => m.to === 'outbox-again@example.com');
      });
      expect(sink.received.some((m) => m.to.includes('outbox-again@example.com'))).toBe(false);
    } finally {
      await sink.close();
    }
  });

  it('records requests and filters the log with the filter language', async () => {
    const missing = await api('GET', '/api/definitely-missing');
    const entries = await eventually(async () => {
      const res = await api<ListResponse<RequestLogEntry>>('GET', `/api/admin/logs?filter=${encodeURIComponent("status = 404 && path ~ 'definitely'")}`, { token: adminToken });
      return res.body.items.length > 0 && res.body.items;
    });
    expect(entries[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      method: 'GET',
      path: '/api/definitely-missing',
      status: 404,
      durationMs: expect.any(Number),
      principal: 'guest',
      ip: expect.any(String),
      requestId: missing.headers.get('x-request-id'),
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const bad = await api('GET', `/api/admin/logs?filter=${encodeURIComponent('status >')}`, { token: adminToken });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: 'invalid_filter', details: { position: expect.any(String) } });
    const unknown = await api('GET', `/api/admin/logs?filter=${encodeURIComponent('password = 1')}`, { token: adminToken });
    expect(errorOf(unknown).code).toBe('invalid_filter');
  });

  it('takes the client address from X-Forwarded-For only when the peer is a trusted proxy', async () => {
    const loggedIp = async (node: ApiClient, token: string, path: string) => {
      await node('GET', path, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      const entries = await eventually(async () => {
        const res = await node<ListResponse<RequestLogEntry>>('GET', `/api/admin/logs?filter=${encodeURIComponent(`path = '${path}'`)}`, { token });
        return res.body.items.length > 0 && res.body.items;
      });
      return entries[0]!.ip;
    };
    // The default trusts loopback, where the tests connect from.
    expect(await loggedIp(api, adminToken, '/api/proxy-trusted')).toBe('203.0.113.7');
    const strict = await startBasalt({ env: { BASALT_TRUSTED_PROXIES: '10.0.0.0/8' } });
    try {
      const strictApi = apiClient(strict.url);
      const { token } = (await strictApi<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN })).body;
      expect(await loggedIp(strictApi, token, '/api/proxy-untrusted')).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await strict.stop();
    }
  });

  it('lists failed jobs and answers retry of an unknown job with 404', async () => {
    const res = await api<ListResponse<unknown>>('GET', '/api/admin/jobs?status=failed', { token: adminToken });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.items)).toBe(true);
    expect((await api('POST', '/api/admin/jobs/0190c0de-0000-7000-8000-000000000000/retry', { token: adminToken })).status).toBe(404);
  });
});
