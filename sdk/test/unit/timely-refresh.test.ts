import { eventually } from '@basalt/testkit';
import { createClient } from '../../src/client';
import { memoryStorage } from '../../src/auth/storage';
import type { FetchLike } from '../../src/http';

/*
 * With a socket in use the client renews its token when the session is due, with no HTTP call from
 * the app. Node may run that timer before Date.now() reaches its time (its loop clock lags the wall
 * clock while a turn runs long, as on a loaded machine): here Date.now() is held behind the clock the
 * timer runs on, which is what the client sees then.
 */
const URL_ = 'http://basalt.test';

afterEach(() => jest.restoreAllMocks());

it('renews the session once it is due, though its timer ran before Date.now() reached the refresh time', async () => {
  const storage = memoryStorage();
  const user = { id: 'u1', email: 'a@example.com' };
  await storage.setItem(
    `basalt.session:${URL_}`,
    JSON.stringify({ accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() + 3_600_000, refreshAt: Date.now() + 300, user }),
  );
  const refreshes: string[] = [];
  const fetch: FetchLike = async (input, init) => {
    expect(`${init?.method} ${String(input)}`).toBe(`POST ${URL_}/api/auth/refresh`);
    refreshes.push(JSON.parse(String(init?.body)).refreshToken);
    const session = { accessToken: `a${refreshes.length + 1}`, refreshToken: `r${refreshes.length + 1}`, expiresIn: 3600 };
    return new Response(JSON.stringify({ session }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const client = createClient(URL_, { storage, fetch });
  const realNow = Date.now.bind(Date);
  void client.realtime;
  // The refresh timer is set once the stored session is loaded; from then on Date.now() runs 200 ms behind.
  await new Promise((r) => setTimeout(r, 50));
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 200);
  await eventually(async () => refreshes.length === 1, 3000, 20);
  expect(refreshes).toEqual(['r1']);
  client.realtime.close();
});
