import type { Principal } from '@basalt/contracts';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Errors } from '../app-error.js';
import type { BasaltRequest } from '../request-context.js';
import { ACCESS_KEY, type AccessRequirement, USER_ONLY_KEY } from './access.decorator.js';
import { CredentialResolvers } from './credential-resolvers.js';

/** Runs on every Nest route: resolves the caller once, then applies the route's access requirement. */
@Injectable()
export class PrincipalGuard implements CanActivate {
  constructor(
    private readonly resolvers: CredentialResolvers,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<BasaltRequest>();
    const principal = await this.resolvers.principalOf(req);
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (requirement) assertAllowed(principal, requirement);
    if (this.reflector.getAllAndOverride<boolean | undefined>(USER_ONLY_KEY, [context.getHandler(), context.getClass()])) {
      if (principal.kind === 'guest') throw Errors.unauthorized('sign in first');
      if (principal.kind !== 'user') throw Errors.forbidden('this route is for signed-in users');
    }
    return true;
  }
}

export function assertAllowed(principal: Principal, requirement: AccessRequirement): void {
  if (principal.kind === 'admin') return;
  if (principal.kind === 'guest') throw Errors.unauthorized('this route needs an admin token or an API key');
  if (principal.kind === 'apiKey' && requirement.scope && (principal.scopes.includes('*') || principal.scopes.includes(requirement.scope))) return;
  throw Errors.forbidden(requirement.scope ? `needs an admin or an API key with the ${requirement.scope} scope` : 'admins only');
}
