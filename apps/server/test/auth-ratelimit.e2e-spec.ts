import type { AdminAuthResponse, ErrorEnvelope } from '@basalt/contracts';
import { type ApiClient, apiClient, type BasaltProcess, errorOf, startBasalt, TEST_ADMIN } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';

/** The auth rate limits and the login lockout, on the limiter of each driver set (memory, Redis). */
let basalt: BasaltProcess;
let api: ApiClient;
let admin: string;

beforeAll(async () => {
  basalt = await startBasalt();
  api = apiClient(basalt.url);
  admin = (await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN })).body.token;
});

afterAll(async () => {
  await basalt?.stop();
});

async function limits(rateLimits: Record<string, { max: number; windowSeconds: number }>): Promise<void> {
  const res = await api('PATCH', '/api/admin/settings', { token: admin, body: { rateLimits } });
  expect(res.status).toBe(200);
}

async function signUp(): Promise<{ email: string; password: string }> {
  const creds = { email: `rl-${randomBytes(5).toString('hex')}@basalt.test`, password: 'correct horse battery' };
  expect((await api('POST', '/api/auth/signup', { body: creds })).status).toBe(201);
  return creds;
}

describe('auth rate limits', () => {
  // First: the per-IP counters of this server start empty here (they outlive a change of the limit).
  it('limits sign-ups and password-reset requests too', async () => {
    await limits({ signup: { max: 2, windowSeconds: 60 }, passwordReset: { max: 2, windowSeconds: 60 } });
    const signups: number[] = [];
    for (let i = 0; i < 3; i++) {
      signups.push((await api('POST', '/api/auth/signup', { body: { email: `s${i}-${randomBytes(4).toString('hex')}@basalt.test`, password: 'correct horse battery' } })).status);
    }
    expect(signups).toEqual([201, 201, 429]);
    const resets: number[] = [];
    for (let i = 0; i < 3; i++) resets.push((await api('POST', '/api/auth/password-reset/request', { body: { email: 'nobody@basalt.test' } })).status);
    expect(resets).toEqual([204, 204, 429]);
  });

  it('answers sign-ins over the per-IP limit with 429 and Retry-After', async () => {
    await limits({ login: { max: 3, windowSeconds: 60 }, signup: { max: 1000, windowSeconds: 60 } });
    const { email } = await signUp();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ApiClient>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await api('POST', '/api/auth/login', { body: { email, password: 'wrong-password-1' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(errorOf(last!).code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('limits OAuth2 sign-in starts per IP', async () => {
    await limits({ oauth2: { max: 2, windowSeconds: 60 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api('GET', '/api/auth/oauth2/nowhere/start?redirectUri=http%3A%2F%2F127.0.0.1%2Fdone')).status);
    expect(statuses).toEqual([404, 404, 429]);
  });

  it('locks an account after 10 failed sign-ins, even for the right password, and says so', async () => {
    await limits({ login: { max: 1000, windowSeconds: 60 }, signup: { max: 1000, windowSeconds: 60 } });
    const victim = await signUp();
    for (let i = 0; i < 9; i++) expect((await api('POST', '/api/auth/login', { body: { email: victim.email, password: `guess-${i}-xx` } })).status).toBe(401);
    const tenth = await api<ErrorEnvelope>('POST', '/api/auth/login', { body: { email: victim.email, password: 'guess-10-xx' } });
    expect(tenth.status).toBe(429);
    const right = await api<ErrorEnvelope>('POST', '/api/auth/login', { body: victim });
    expect(right.status).toBe(429);
    expect(right.body.error.message).toMatch(/locked after too many failed sign-ins/);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(800);
    // Other accounts are not affected.
    const other = await signUp();
    expect((await api('POST', '/api/auth/login', { body: other })).status).toBe(200);
  });
});
