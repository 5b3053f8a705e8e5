import type { ApiKeyScope } from '@basalt/contracts';
import { SetMetadata } from '@nestjs/common';

export interface AccessRequirement {
  /** An API key with this scope (or `*`) may call the route too; without it, admins only. */
  scope?: ApiKeyScope;
}

export const ACCESS_KEY = 'basalt:access';

/** Admins only, or API keys holding `scope`. Everyone else: 401 without credentials, 403 with. */
export const AdminOnly = (requirement: AccessRequirement = {}) => SetMetadata(ACCESS_KEY, requirement);

export const USER_ONLY_KEY = 'basalt:user-only';

/** A signed-in user (anonymous ones too). Guests: 401; admins and API keys: 403, they are not users. */
export const UserOnly = () => SetMetadata(USER_ONLY_KEY, true);
