import type { ApiKeyScope, Principal, RuleName } from '@basalt/contracts';
import { Errors } from '../../common/app-error.js';
import type { CollectionSchema } from '../schema/collection-schema.js';

/** How a caller meets a collection's rule for one action. */
export type Access =
  /** Admins, and API keys with the scope: rules do not apply, hidden fields are visible. */
  | { kind: 'bypass' }
  /** Users and guests: `rule` ("" = everyone) must hold. */
  | { kind: 'rule'; rule: string };

const SCOPE: Record<RuleName, ApiKeyScope> = {
  list: 'records:read',
  view: 'records:read',
  create: 'records:write',
  update: 'records:write',
  delete: 'records:write',
};

/**
 * Admins and scoped API keys bypass rules; a null rule keeps everyone else out: 403 where the caller
 * would learn nothing (list, create), 404 where a 403 would confirm a record exists.
 */
export function accessFor(principal: Principal, schema: CollectionSchema, action: RuleName): Access {
  if (principal.kind === 'admin') return { kind: 'bypass' };
  if (principal.kind === 'apiKey') {
    const scope = SCOPE[action];
    if (principal.scopes.includes('*') || principal.scopes.includes(scope)) return { kind: 'bypass' };
    throw Errors.forbidden(`this API key lacks the ${scope} scope`);
  }
  const rule = schema.rules[action];
  if (rule === null) {
    if (action === 'list' || action === 'create') throw Errors.forbidden(`only admins may ${action} ${schema.name} records`);
    throw Errors.notFound('record');
  }
  return { kind: 'rule', rule };
}

/**
 * Whether `access` lets the caller act without asking the database: a bypass, or the "" rule (a blank
 * one counts as ""). When it does not, TypeScript knows a rule is left to judge.
 */
export function holdsWithoutQuery(access: Access): access is { kind: 'bypass' } | { kind: 'rule'; rule: '' } {
  return access.kind === 'bypass' || access.rule.trim() === '';
}

export function seesHidden(principal: Principal): boolean {
  return principal.kind === 'admin' || principal.kind === 'apiKey';
}

/** Fields of auth collections only admins and the auth flows may write. */
export const PROTECTED_AUTH_FIELDS = ['email', 'emailVerified', 'roles', 'anonymous', 'disabled', 'lastLoginAt'];
