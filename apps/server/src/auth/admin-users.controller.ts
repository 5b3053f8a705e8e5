import type { Principal } from '@basalt/contracts';
import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Errors } from '../common/app-error.js';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator.js';
import { UserTokens } from './user-tokens.js';

const IMPERSONATION_TTL_SECONDS = 15 * 60;

@ApiTags('admin')
@Controller('admin/users')
@AdminOnly({ scope: 'users:manage' })
export class AdminUsersController {
  constructor(
    private readonly tokens: UserTokens,
    private readonly ds: DataSource,
  ) {}

  /** A short access token to act as the user (support, testing rules); it has no session and cannot be refreshed. */
  @Post(':id/impersonate')
  @HttpCode(200)
  async impersonate(
    @CurrentPrincipal() admin: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound('user') })) id: string,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const [user] = await this.ds.query('SELECT "id" FROM app.users WHERE "id" = $1', [id]);
    if (!user) throw Errors.notFound('user');
    return { accessToken: this.tokens.issue({ userId: id, impersonatedBy: `${admin.kind}:${admin.id}` }, IMPERSONATION_TTL_SECONDS), expiresIn: IMPERSONATION_TTL_SECONDS };
  }
}
