import type { ApiKey, CreatedApiKey, CreateApiKeyRequest, Principal } from '@basalt/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Errors } from '../common/app-error.js';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { uuidv7 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { randomToken, sha256Hex } from '../common/secrets.js';
import { toApiKeyResponse } from './admin.mapper.js';
import { type ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';

const KEY_PREFIX = 'bsk_';
/** last_used_at is a hint, not an audit log: write it at most once a minute per key. */
const TOUCH_EVERY_MS = 60_000;
/** How long a node trusts a key's stored row; a revocation clears it on every node through the EventBus. */
const KEY_CACHE_MS = 5_000;
const KEY_CACHE_SIZE = 1_000;

@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly touched = new Map<string, number>();
  /** Rows by key hash: a server calling with its key costs no query per request. */
  private readonly rows = new ExpiringCache<string, ApiKeyRow>(KEY_CACHE_MS, KEY_CACHE_SIZE);

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly resolvers: CredentialResolvers,
    private readonly events: EventBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.resolvers.setApiKey((key) => this.principalFor(key));
    // Keys are cached by hash, not id; revocations are rare enough to start over.
    this.events.subscribe('apiKey.revoked', () => this.rows.clear());
  }

  async create(req: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const expiresAt = req.expiresAt ? new Date(req.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw Errors.validation({ expiresAt: 'must be in the future' });
    const key = KEY_PREFIX + randomToken(32);
    const row = await this.repo.insert(
      { id: uuidv7(), name: req.name, scopes: [...new Set(req.scopes)], prefix: key.slice(0, KEY_PREFIX.length + 6), expiresAt },
      sha256Hex(key),
    );
    return { ...toApiKeyResponse(row), key };
  }

  async list(): Promise<ApiKey[]> {
    return (await this.repo.list()).map(toApiKeyResponse);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw Errors.notFound('API key');
    // This node refuses the key from its next request on; other nodes (their cached rows, and live
    // sockets, which hold the principal) once the event reaches them.
    this.rows.clear();
    await this.events.publish('apiKey.revoked', { id });
  }

  private async principalFor(key: string): Promise<Principal | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
    const hash = sha256Hex(key);
    const row = await this.rows.through(hash, async () => (await this.repo.findByHash(hash)) ?? undefined);
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
    const last = this.touched.get(row.id) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      this.touched.set(row.id, Date.now());
      this.repo.touch(row.id).catch((err) => this.log.warn({ err }, 'could not record API key use'));
    }
    return { kind: 'apiKey', id: row.id, roles: [], scopes: row.scopes };
  }
}
