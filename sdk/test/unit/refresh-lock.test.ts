import type { AuthSession } from '@basalt/contracts';
import { SessionManager } from '../../src/auth/session';
import { storageLock, webLock } from '../../src/auth/refresh-lock';
import { memoryStorage, type AuthStorage } from '../../src/auth/storage';

/*
 * Cross-tab single flight: two session managers ("tabs") on one storage, both holding an expired
 * token, refresh once between them; the second adopts the pair the first stored.
 */

function expiredSession(storage: AuthStorage): Promise<void> {
  const past = Date.now() - 1000;
  return Promise.resolve(storage.setItem('s', JSON.stringify({ accessToken: 'old', refreshToken: 'r0', expiresAt: past, refreshAt: past, user: null })));
}

function refresher(): { call: (t: string) => Promise<AuthSession>; seen: string[] } {
  const seen: string[] = [];
  let n = 0;
  return {
    seen,
    call: async (token) => {
      seen.push(token);
      await new Promise((r) => setTimeout(r, 30));
      n += 1;
      return { accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 900 };
    },
  };
}

describe('refresh across contexts sharing a storage', () => {
  it('storageLock: two tabs, one refresh', async () => {
    const storage = memoryStorage();
    await expiredSession(storage);
    const r = refresher();
    const tabA = new SessionManager(storage, 's', storageLock(storage, 'lock'), r.call);
    const tabB = new SessionManager(storage, 's', storageLock(storage, 'lock'), r.call);
    const tokens = await Promise.all([...Array.from({ length: 5 }, () => tabA.accessToken()), ...Array.from({ length: 5 }, () => tabB.accessToken())]);
    expect(r.seen).toEqual(['r0']);
    expect(new Set(tokens)).toEqual(new Set(['a1']));
  });

  it('webLock (navigator.locks shape): two tabs, one refresh', async () => {
    const storage = memoryStorage();
    await expiredSession(storage);
    let tail = Promise.resolve();
    const locks = {
      request<T>(_name: string, fn: () => Promise<T>): Promise<T> {
        const run = tail.then(fn);
        tail = run.then(() => undefined, () => undefined);
        return run;
      },
    };
    const r = refresher();
    const tabA = new SessionManager(storage, 's', webLock(locks, 'l'), r.call);
    const tabB = new SessionManager(storage, 's', webLock(locks, 'l'), r.call);
    const tokens = await Promise.all([tabA.accessToken(), tabB.accessToken(), tabA.accessToken()]);
    expect(r.seen).toEqual(['r0']);
    expect(tokens).toEqual(['a1', 'a1', 'a1']);
  });

  it('a 401 on a token another tab already replaced adopts the new one without a request', async () => {
    const storage = memoryStorage();
    const r = refresher();
    const tab = new SessionManager(storage, 's', storageLock(storage, 'lock'), r.call);
    await tab.set({ accessToken: 'mine', refreshToken: 'rm', expiresIn: 900 }, null);
    const other = new SessionManager(storage, 's', storageLock(storage, 'lock'), async () => ({ accessToken: 'theirs', refreshToken: 'rt', expiresIn: 900 }));
    await other.refresh('mine');
    expect((await tab.refresh('mine'))?.accessToken).toBe('theirs');
    expect(r.seen).toEqual([]);
  });
});
