import type { RecordList } from '@basalt/contracts';
import type { BasaltError } from '../errors';
import type { Http, QueryValue } from '../http';
import type { RecordEvent, Realtime, Subscription } from '../realtime/realtime';

export interface ListOptions {
  filter?: string;
  sort?: string;
  limit?: number;
  offset?: number;
  cursor?: string;
  /** Also return `total`, the number of matching records. */
  count?: boolean;
  expand?: string | readonly string[];
  fields?: string | readonly string[];
  signal?: AbortSignal;
}

export type IterateOptions = Omit<ListOptions, 'cursor' | 'offset' | 'count'>;

export interface GetOptions {
  expand?: string | readonly string[];
  fields?: string | readonly string[];
  signal?: AbortSignal;
}

export interface UpdateOptions {
  /** The ETag the record must still have (409 `conflict` if it changed), or a record this SDK returned. */
  ifMatch?: string | object;
  signal?: AbortSignal;
}

type SystemKey = 'id' | 'createdAt' | 'updatedAt' | 'expand';
/** What create accepts: the record's own fields (all optional: the server checks `required`), plus an optional id. */
export type RecordInput<T> = { [K in keyof T as K extends SystemKey ? never : K]?: T[K] } & { id?: string };
export type RecordPatch<T> = { [K in keyof T as K extends SystemKey ? never : K]?: T[K] };

export interface SubscribeOptions {
  filter?: string;
  /** Only this record. */
  id?: string;
  /** The server ended the subscription (collection deleted or renamed, filter no longer valid). */
  onEnd?: (error: BasaltError) => void;
}

/** The ETag of each record object this SDK handed out, so `update(id, patch, { ifMatch: record })` works. */
const etags = new WeakMap<object, string>();

/** `basalt.collection<T>(name)`: records of one collection. */
export class CollectionClient<T extends object> {
  private readonly path: string;

  constructor(
    private readonly http: Http,
    private readonly realtime: () => Realtime,
    readonly name: string,
  ) {
    this.path = `/api/collections/${encodeURIComponent(name)}/records`;
  }

  async list(opts: ListOptions = {}): Promise<RecordList<T>> {
    const { signal, ...rest } = opts;
    const { data } = await this.http.request<RecordList<T>>(this.path, { query: rest as Record<string, QueryValue>, signal });
    return data;
  }

  /** Every matching record, page after page by cursor (`limit` is the page size). */
  async *iterate(opts: IterateOptions = {}): AsyncGenerator<T, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...opts, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async get(id: string, opts: GetOptions = {}): Promise<T> {
    const { signal, ...query } = opts;
    const res = await this.http.request<T>(`${this.path}/${encodeURIComponent(id)}`, { query: query as Record<string, QueryValue>, signal });
    return remember(res.data, res.headers);
  }

  async create(data: RecordInput<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const res = await this.http.request<T>(this.path, { method: 'POST', body: data, signal: opts.signal });
    return remember(res.data, res.headers);
  }

  async update(id: string, patch: RecordPatch<T>, opts: UpdateOptions = {}): Promise<T> {
    const ifMatch = typeof opts.ifMatch === 'object' ? etags.get(opts.ifMatch) : opts.ifMatch;
    if (opts.ifMatch !== undefined && ifMatch === undefined) throw new TypeError('ifMatch: this record object did not come from the SDK; pass its ETag string');
    const res = await this.http.request<T>(`${this.path}/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: patch,
      headers: ifMatch ? { 'if-match': ifMatch } : undefined,
      signal: opts.signal,
    });
    return remember(res.data, res.headers);
  }

  async delete(id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request(`${this.path}/${encodeURIComponent(id)}`, { method: 'DELETE', signal: opts.signal });
  }

  /** The ETag the server sent with this record object (from get, create or update). */
  etag(record: object): string | undefined {
    return etags.get(record);
  }

  /** Live changes over the realtime socket; resubscribed automatically after a reconnect. */
  subscribe(opts: SubscribeOptions, handler: (event: RecordEvent<T>) => void): Promise<Subscription> {
    return this.realtime().subscribe<T>(this.name, opts, handler);
  }
}

function remember<T>(record: T, headers: Headers): T {
  const etag = headers.get('etag');
  if (etag && record && typeof record === 'object') etags.set(record, etag);
  return record;
}
