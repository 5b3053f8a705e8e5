export type PrincipalKind = 'admin' | 'apiKey' | 'user' | 'guest';

/** Who is calling: resolved once per request or socket. */
export interface Principal {
  kind: PrincipalKind;
  id?: string;
  roles: string[];
  scopes: ApiKeyScope[];
  sessionId?: string;
}

export const API_KEY_SCOPES = [
  'records:read',
  'records:write',
  'schema:write',
  'files:read',
  'files:write',
  'users:manage',
  'push:send',
  '*',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
