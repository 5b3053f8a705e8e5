import type { AdminAuthResponse, BaseRecord, BatchResponse, Collection, CreateCollectionRequest, CreatedApiKey, RecordList } from '@basalt/contracts';
import { type ApiClient, type ApiResponse, apiClient, type BasaltProcess, startBasalt, TEST_ADMIN } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';

/** Who sends a request: `{ token }` (admin or user access token), `{ apiKey }`, or `{}` for a guest. */
export interface As {
  token?: string;
  apiKey?: string;
}

export interface TestUser {
  id: string;
  email: string;
  /** Access token from admin impersonation. */
  token: string;
  as: As;
  record: BaseRecord;
}

export const GUEST: As = {};
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let counter = 0;

/** A collection name no other test (or earlier run on a shared database) uses: `^[a-z][a-z0-9_]{0,62}$`. */
export function uniqueName(prefix = 'c'): string {
  counter += 1;
  return `${prefix}_${counter}_${randomBytes(3).toString('hex')}`;
}

/** A query string from options; undefined values are left out. */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** One booted server plus factories for the data a collections/records test needs. */
export class CollectionsKit {
  private constructor(
    readonly basalt: BasaltProcess,
    readonly api: ApiClient,
    /** The admin token. */
    readonly admin: string,
  ) {}

  static async start(): Promise<CollectionsKit> {
    const basalt = await startBasalt();
    const api = apiClient(basalt.url);
    const res = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
    if (res.status !== 200) throw new Error(`admin sign-in failed: ${res.status} ${res.text}`);
    return new CollectionsKit(basalt, api, res.body.token);
  }

  get asAdmin(): As {
    return { token: this.admin };
  }

  async stop(): Promise<void> {
    await this.basalt.stop();
  }

  /** Sends a request as someone: `k.req('GET', path, k.asAdmin)`. */
  req<T = unknown>(method: string, path: string, as: As, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.api<T>(method, path, { ...as, body, headers });
  }

  /** Creates a collection as admin (a unique name unless one is given) and fails loudly if refused. */
  async collection(spec: Partial<CreateCollectionRequest> & { fields: CreateCollectionRequest['fields'] }): Promise<Collection> {
    const body = { name: uniqueName(), ...spec };
    const res = await this.api<Collection>('POST', '/api/collections', { token: this.admin, body });
    if (res.status !== 201) throw new Error(`could not create collection ${body.name}: ${res.status} ${res.text}`);
    return res.body;
  }

  async getCollection(name: string): Promise<Collection> {
    const res = await this.api<Collection>('GET', `/api/collections/${name}`, { token: this.admin });
    if (res.status !== 200) throw new Error(`could not read collection ${name}: ${res.status} ${res.text}`);
    return res.body;
  }

  /** A user created by the admin, with an impersonation access token. */
  async user(fields: Record<string, unknown> = {}): Promise<TestUser> {
    const email = `u${randomBytes(5).toString('hex')}@basalt.test`;
    const created = await this.api<BaseRecord>('POST', '/api/collections/users/records', { token: this.admin, body: { email, name: 'Test User', ...fields } });
    if (created.status !== 201) throw new Error(`could not create user: ${created.status} ${created.text}`);
    const imp = await this.api<{ accessToken: string; expiresIn: number }>('POST', `/api/admin/users/${created.body.id}/impersonate`, { token: this.admin });
    if (imp.status !== 200) throw new Error(`could not impersonate user: ${imp.status} ${imp.text}`);
    return { id: created.body.id, email, token: imp.body.accessToken, as: { token: imp.body.accessToken }, record: created.body };
  }

  async key(scopes: string[]): Promise<As> {
    const res = await this.api<CreatedApiKey>('POST', '/api/admin/keys', { token: this.admin, body: { name: 'collections-e2e', scopes } });
    if (res.status !== 201) throw new Error(`could not create key: ${res.status} ${res.text}`);
    return { apiKey: res.body.key };
  }

  /** Creates one record (as admin unless told otherwise) and fails loudly if refused. */
  async record(collection: string, body: Record<string, unknown>, as: As = this.asAdmin): Promise<BaseRecord> {
    const res = await this.req<BaseRecord>('POST', `/api/collections/${collection}/records`, as, body);
    if (res.status !== 201) throw new Error(`could not create record in ${collection}: ${res.status} ${res.text}`);
    return res.body;
  }

  /** Creates many records through POST /api/batch, 100 per request. */
  async seed(collection: string, bodies: Array<Record<string, unknown>>, as: As = this.asAdmin): Promise<BaseRecord[]> {
    const out: BaseRecord[] = [];
    for (let i = 0; i < bodies.length; i += 100) {
      const requests = bodies.slice(i, i + 100).map((body) => ({ method: 'POST', collection, body }));
      const res = await this.req<BatchResponse>('POST', '/api/batch', as, { requests });
      if (res.status !== 200) throw new Error(`could not seed ${collection}: ${res.status} ${res.text}`);
      out.push(...res.body.results.map((r) => r.body as BaseRecord));
    }
    return out;
  }

  /** Reads one record as admin: the ground truth after a denied request. */
  async truth(collection: string, id: string): Promise<ApiResponse<BaseRecord>> {
    return this.req<BaseRecord>('GET', `/api/collections/${collection}/records/${id}`, this.asAdmin);
  }

  async list(collection: string, params: Record<string, string | number | boolean | undefined> = {}, as: As = this.asAdmin): Promise<ApiResponse<RecordList>> {
    return this.req<RecordList>('GET', `/api/collections/${collection}/records${qs(params)}`, as);
  }

  /** Every record id of a collection as admin (up to 500). */
  async ids(collection: string): Promise<string[]> {
    const res = await this.list(collection, { limit: 500 });
    if (res.status !== 200) throw new Error(`could not list ${collection}: ${res.status} ${res.text}`);
    return res.body.items.map((r) => r.id).sort();
  }
}
