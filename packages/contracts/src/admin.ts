import type { ApiKeyScope } from './principal';

export interface Admin {
  id: string;
  email: string;
  createdAt: string;
  updatedAt: string;
}

export interface AdminAuthRequest {
  email: string;
  password: string;
}

export interface AdminAuthResponse {
  token: string;
  admin: Admin;
}

/** First-run setup: creates the first admin with the one-time token printed at boot. */
export interface AdminSetupRequest {
  token: string;
  email: string;
  password: string;
}

export interface AdminSetupStatus {
  /** True while no admin exists and the setup link is still usable. */
  setupRequired: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The first characters of the key, to recognise it in a list. */
  prefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface CreateApiKeyRequest {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt?: string;
}

/** Returned once, at creation: the secret is never shown again. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface ListResponse<T> {
  items: T[];
}
