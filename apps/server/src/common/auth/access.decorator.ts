import type { ApiKeyScope } from '@basalt/contracts';
import { SetMetadata } from '@nestjs/common';

export interface AccessRequirement {
  /** An API key with this scope (or `*`) may call the route too; without it, admins only. */
  scope?: ApiKeyScope;
}

export const ACCESS_KEY = 'basalt:access';

/** Admins only, or API keys holding `scope`. Everyone else: 401 without credentials, 403 with. */
export const AdminOnly = (requirement: AccessRequirement = {}) => SetMetadata(ACCESS_KEY, requirement);
