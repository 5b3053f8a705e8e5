import type { AdminAuthResponse, ListResponse, OutboxMail, ReadinessResponse } from '@basalt/contracts';
import { apiClient, type BasaltProcess, eventually, startBasalt, TcpProxy, TEST_ADMIN, TEST_POSTGRES_URL, TEST_REDIS_URL } from '@basalt/testkit';

/** Outages after boot turn readiness red and back; the process never dies of them. */
describe('readiness in scaled mode', () => {
  let redis: TcpProxy;
  let postgres: TcpProxy;
  let basalt: BasaltProcess;

  beforeAll(async () => {
    redis = await TcpProxy.start(TEST_REDIS_URL);
    postgres = await TcpProxy.start(TEST_POSTGRES_URL);
    basalt = await startBasalt({
      drivers: 'scaled',
      transformEnv: (env) => ({ ...env, BASALT_REDIS_URL: redis.rewrite(env.BASALT_REDIS_URL!), BASALT_DATABASE_URL: postgres.rewrite(env.BASALT_DATABASE_URL!) }),
    });
  });

  afterAll(async () => {
    await basalt?.stop();
    await redis?.down();
    await postgres?.down();
  });

  const ready = () => apiClient(basalt.url)<ReadinessResponse>('GET', '/api/health/ready');

  it.each([
    ['Redis', () => redis, ['events', 'queue']],
    ['Postgres', () => postgres, ['database']],
  ] as const)('reports %s down with 503 naming it, stays up, and recovers', async (_, proxy, names) => {
    expect((await ready()).status).toBe(200);
    await proxy().down();
    const down = await eventually(async () => {
      const res = await ready();
      return res.status === 503 && res;
    }, 15_000);
    for (const name of names) expect(down.body.checks[name]).toMatchObject({ status: 'down' });
    expect(down.body.status).toBe('unavailable');
    expect((await apiClient(basalt.url)('GET', '/api/health')).status).toBe(200);
    await proxy().up();
    const back = await eventually(async () => {
      const res = await ready();
      return res.status === 200 && res;
    }, 30_000);
    expect(Object.values(back.body.checks).every((c) => c.status === 'ok')).toBe(true);

    // Real work goes through again: a login (database) and a queued mail job (Redis + database).
    const api = apiClient(basalt.url);
    const { body } = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
    const to = `after-${names[0]}@example.com`;
    expect((await api('POST', '/api/admin/mail/test', { token: body.token, body: { to } })).status).toBe(202);
    await eventually(async () => (await api<ListResponse<OutboxMail>>('GET', '/api/admin/mail', { token: body.token })).body.items.some((m) => m.to === to));
  });
});
