import type { AuthSession, BaseRecord } from '@basalt/contracts';
import { AuthClient } from './auth/auth-client';
import { noLock, storageLock, webLock, type RefreshLock } from './auth/refresh-lock';
import { expiring, SessionManager } from './auth/session';
import { memoryStorage, type AuthStorage } from './auth/storage';
import { BasaltError } from './errors';
import { filter } from './filter';
import { Http, type CredentialKind, type Credentials, type FetchLike } from './http';
import { Realtime, type SocketAuth } from './realtime/realtime';
import { AdminClient } from './resources/admin';
import { CollectionClient } from './resources/collection';
import { PushClient } from './resources/push';
import { BucketClient } from './storage/bucket';

export interface ClientOptions {
  /** Where the session is kept: memory (default), `localStorageAdapter()`, `asyncStorageAdapter(AsyncStorage)`. */
  storage?: AuthStorage;
  /** Defaults to the global fetch (looked up at each request, so polyfills installed later work). */
  fetch?: FetchLike;
  /** Server-side only: sent as `X-Api-Key` when no user is signed in (and for admin calls without an admin token). */
  apiKey?: string;
  /** The storage key prefix (default `basalt`); two clients of one server share a session through it. */
  storageKey?: string;
  /**
   * How refreshes are serialised across tabs: by default the Web Locks API when present, else a
   * lock kept in the storage (not for the default memory storage, which nothing else shares).
   */
  lock?: RefreshLock | 'auto' | 'none';
}

/** Maps collection names to record types (written by `basalt gen types`); an interface or a type. */
export type SchemaShape = object;
type RecordOf<S, K extends keyof S> = S[K] extends object ? S[K] : never;
/** Without a generated Schema every collection holds loosely typed records. */
export type AnySchema = { [collection: string]: BaseRecord };

export interface BasaltClient<Schema extends SchemaShape = AnySchema> {
  readonly url: string;
  readonly auth: AuthClient;
  readonly admin: AdminClient;
  readonly push: PushClient;
  readonly storage: { bucket(name: string): BucketClient };
  readonly realtime: Realtime;
  /** Typed from the Schema for its collections; `collection<T>(name)` for any other. */
  collection<K extends keyof Schema & string>(name: K): CollectionClient<RecordOf<Schema, K>>;
  collection<T extends object>(name: string): CollectionClient<T>;
  filter: typeof filter;
}

export function createClient<Schema extends SchemaShape = AnySchema>(url: string, options: ClientOptions = {}): BasaltClient<Schema> {
  const baseUrl = url.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(baseUrl)) throw new TypeError(`createClient: url must be http(s)://..., not ${JSON.stringify(url)}`);
  const storage = options.storage ?? memoryStorage();
  const prefix = options.storageKey ?? 'basalt';
  const fetchImpl = (): FetchLike => {
    if (options.fetch) return options.fetch;
    if (typeof globalThis.fetch !== 'function') throw new BasaltError(0, 'network_error', 'no fetch in this environment: pass createClient(url, { fetch })');
    return globalThis.fetch.bind(globalThis) as FetchLike;
  };

  let sessions!: SessionManager;
  let admin!: AdminClient;
  const keyHeaders = (): Record<string, string> => (options.apiKey ? { 'x-api-key': options.apiKey } : {});
  const credentials: Credentials = {
    async headers(kind: CredentialKind): Promise<{ headers: Record<string, string>; token?: string }> {
      if (kind === 'none') return { headers: {} };
      if (kind === 'admin') {
        if (admin.token) return { headers: { authorization: `Bearer ${admin.token}` } };
        return { headers: keyHeaders() };
      }
      const token = await sessions.accessToken();
      if (token) return { headers: { authorization: `Bearer ${token}` }, token };
      return { headers: keyHeaders() };
    },
    async renew(kind: CredentialKind, failedToken: string) {
      if (kind !== 'user') return false;
      try {
        return (await sessions.refresh(failedToken)) !== null;
      } catch {
        return false;
      }
    },
  };
  const http = new Http(baseUrl, fetchImpl, credentials);
  // The refresh call goes around the credential logic: it must never trigger a refresh itself.
  const refreshCall = async (refreshToken: string): Promise<AuthSession> =>
    (await http.request<{ session: AuthSession }>('/api/auth/refresh', { method: 'POST', body: { refreshToken }, auth: 'none' })).data.session;
  sessions = new SessionManager(storage, `${prefix}.session:${baseUrl}`, chooseLock(options, storage, `${prefix}.refresh-lock:${baseUrl}`), refreshCall);
  admin = new AdminClient(http);

  const socketAuth = async (): Promise<SocketAuth> => {
    const token = await sessions.accessToken().catch(() => null);
    if (token) return { token };
    if (admin.token) return { token: admin.token };
    if (options.apiKey) return { apiKey: options.apiKey };
    return {};
  };
  const renewForSocket = async (): Promise<void> => {
    const s = sessions.session;
    if (s) await sessions.refresh(s.accessToken).catch(() => undefined);
  };
  let realtime: Realtime | undefined;
  // While a socket is in use, refresh on time even if no HTTP call comes, so the live socket gets
  // its new token (`auth` event) before the old one expires and the server disconnects it.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleRefresh = (): void => {
    if (refreshTimer) clearTimeout(refreshTimer);
    const s = sessions.session;
    if (!realtime || !s) return;
    refreshTimer = setTimeout(() => {
      // Node may run a timer before Date.now() reaches its time (its loop clock lags the wall clock
      // while a turn runs long): the session is not due then, and asking for a token would not renew it.
      if (!expiring(s)) scheduleRefresh();
      else void sessions.accessToken().catch(() => undefined);
    }, Math.max(0, s.refreshAt - Date.now()));
    (refreshTimer as { unref?: () => void }).unref?.();
  };
  const getRealtime = (): Realtime => {
    if (!realtime) {
      realtime = new Realtime(baseUrl, socketAuth, renewForSocket);
      void sessions.ready.then(scheduleRefresh);
    }
    return realtime;
  };
  sessions.onToken((token) => {
    realtime?.swapToken(token);
    scheduleRefresh();
  });

  const buckets = new Map<string, BucketClient>();
  return {
    url: baseUrl,
    auth: new AuthClient(http, sessions),
    admin,
    push: new PushClient(http, storage, `${prefix}.device-secrets:${baseUrl}`),
    storage: {
      bucket(name: string) {
        let b = buckets.get(name);
        if (!b) buckets.set(name, (b = new BucketClient(http, name)));
        return b;
      },
    },
    get realtime() {
      return getRealtime();
    },
    collection(name: string) {
      return new CollectionClient(http, getRealtime, name);
    },
    filter,
  } as BasaltClient<Schema>;
}

function chooseLock(options: ClientOptions, storage: AuthStorage, name: string): RefreshLock {
  const lock = options.lock ?? 'auto';
  if (lock === 'none') return noLock;
  if (lock !== 'auto') return lock;
  const locks = (globalThis as { navigator?: { locks?: Parameters<typeof webLock>[0] } }).navigator?.locks;
  if (locks) return webLock(locks, name);
  return options.storage ? storageLock(storage, name) : noLock;
}
