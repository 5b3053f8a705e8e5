import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type BasaltRequest, GUEST } from '../request-context.js';

/** The resolved caller of this request (the PrincipalGuard has run before any handler). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<BasaltRequest>().principal ?? GUEST);
