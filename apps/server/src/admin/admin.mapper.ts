import type { Admin, ApiKey } from '@basalt/contracts';
import type { AdminRow } from './admins.repository.js';
import type { ApiKeyRow } from './api-keys.repository.js';

export function toAdminResponse(a: AdminRow): Admin {
  return { id: a.id, email: a.email, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() };
}

export function toApiKeyResponse(k: ApiKeyRow): ApiKey {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    prefix: k.prefix,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
