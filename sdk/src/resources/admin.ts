import type {
  Admin,
  AdminAuthResponse,
  ApiKey,
  AuthUser,
  Bucket,
  BucketStats,
  Collection,
  CreateBucketRequest,
  CreateApiKeyRequest,
  CreateCollectionRequest,
  CreatedApiKey,
  ListResponse,
  PushMessage,
  PushPage,
  RecordList,
  SendPushRequest,
  SendPushResponse,
  SessionInfo,
  Settings,
  SettingsPatch,
  UpdateBucketRequest,
  UpdateCollectionRequest,
} from '@basalt/contracts';
import type { Http, QueryValue, RequestOptions } from '../http';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

export interface UserListOptions {
  filter?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
  count?: boolean;
}

/**
 * `basalt.admin`: the operator's API. Sign in first (`admin.signIn`), or give the client an API key
 * with the right scopes. The admin token is kept in memory only.
 */
export class AdminClient {
  private adminToken: string | null = null;
  private who: Admin | null = null;

  readonly collections = {
    list: async (): Promise<Collection[]> => (await this.call<ListResponse<Collection>>('/api/collections')).items,
    get: (name: string) => this.call<Collection>(`/api/collections/${enc(name)}`),
    create: (body: CreateCollectionRequest) => this.call<Collection>('/api/collections', { method: 'POST', body }),
    update: (name: string, body: UpdateCollectionRequest) => this.call<Collection>(`/api/collections/${enc(name)}`, { method: 'PATCH', body }),
    delete: (name: string) => this.call<void>(`/api/collections/${enc(name)}`, { method: 'DELETE' }),
  };

  readonly users = {
    list: (opts: UserListOptions = {}) => this.call<RecordList<AuthUser>>('/api/admin/users', { query: opts as Record<string, QueryValue> }),
    get: (id: string) => this.call<AuthUser>(`/api/admin/users/${enc(id)}`),
    create: (body: { email: string; password?: string; [field: string]: unknown }) => this.call<AuthUser>('/api/admin/users', { method: 'POST', body }),
    update: (id: string, body: Record<string, unknown>) => this.call<AuthUser>(`/api/admin/users/${enc(id)}`, { method: 'PATCH', body }),
    delete: (id: string) => this.call<void>(`/api/admin/users/${enc(id)}`, { method: 'DELETE' }),
    sessions: async (id: string): Promise<SessionInfo[]> => (await this.call<ListResponse<SessionInfo>>(`/api/admin/users/${enc(id)}/sessions`)).items,
    revokeSessions: (id: string) => this.call<void>(`/api/admin/users/${enc(id)}/sessions/revoke`, { method: 'POST' }),
  };

  readonly keys = {
    list: async (): Promise<ApiKey[]> => (await this.call<ListResponse<ApiKey>>('/api/admin/keys')).items,
    /** The secret (`key`) is in this answer only. */
    create: (body: CreateApiKeyRequest) => this.call<CreatedApiKey>('/api/admin/keys', { method: 'POST', body }),
    delete: (id: string) => this.call<void>(`/api/admin/keys/${enc(id)}`, { method: 'DELETE' }),
  };

  readonly buckets = {
    list: async (): Promise<Bucket[]> => (await this.call<ListResponse<Bucket>>('/api/storage/buckets')).items,
    get: (name: string) => this.call<Bucket>(`/api/storage/buckets/${enc(name)}`),
    stats: (name: string) => this.call<BucketStats>(`/api/storage/buckets/${enc(name)}/stats`),
    create: (body: CreateBucketRequest) => this.call<Bucket>('/api/storage/buckets', { method: 'POST', body }),
    update: (name: string, body: UpdateBucketRequest) => this.call<Bucket>(`/api/storage/buckets/${enc(name)}`, { method: 'PATCH', body }),
    delete: (name: string) => this.call<void>(`/api/storage/buckets/${enc(name)}`, { method: 'DELETE' }),
  };

  readonly settings = {
    /** Secrets come back masked. */
    get: () => this.call<Settings>('/api/admin/settings'),
    update: (patch: SettingsPatch) => this.call<Settings>('/api/admin/settings', { method: 'PATCH', body: patch }),
  };

  readonly push = {
    send: (message: SendPushRequest) => this.call<SendPushResponse>('/api/push/messages', { method: 'POST', body: message }),
    get: (id: string) => this.call<PushMessage>(`/api/push/messages/${enc(id)}`),
    list: (opts: { limit?: number; cursor?: string; status?: string } = {}) => this.call<PushPage<PushMessage>>('/api/push/messages', { query: opts }),
    cancel: (id: string) => this.call<void>(`/api/push/messages/${enc(id)}`, { method: 'DELETE' }),
  };

  /** The mail outbox (kept when no SMTP server is configured), newest first. */
  readonly mail = {
    list: async (): Promise<MailMessage[]> => (await this.call<ListResponse<MailMessage>>('/api/admin/mail')).items,
  };

  constructor(private readonly http: Http) {}

  async signIn(email: string, password: string): Promise<Admin> {
    const { data } = await this.http.request<AdminAuthResponse>('/api/admin/auth', { method: 'POST', body: { email, password }, auth: 'none' });
    this.adminToken = data.token;
    this.who = data.admin;
    return data.admin;
  }

  signOut(): void {
    this.adminToken = null;
    this.who = null;
  }

  /** The signed-in admin, or null. */
  get admin(): Admin | null {
    return this.who;
  }

  /** The admin token, for the SDK's own requests and the realtime handshake. */
  get token(): string | null {
    return this.adminToken;
  }

  /** Adopts a token from elsewhere (e.g. the dashboard's stored one). */
  useToken(token: string | null): void {
    this.adminToken = token;
  }

  private async call<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.http.request<T>(path, { ...opts, auth: 'admin' })).data;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
