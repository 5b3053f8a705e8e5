import type { AuthUser, ListResponse, Principal, RecordList, SessionInfo } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Errors } from '../common/app-error.js';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator.js';
import { AdminUsersService } from './admin/admin-users.service.js';
import { ListUsersQueryDto } from './admin/dto/list-users-query.dto.js';
import { UserTokens } from './user-tokens.js';

const IMPERSONATION_TTL_SECONDS = 15 * 60;
/** User ids are UUIDs: anything else is a user that does not exist. */
const userId = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound('user') });

/** Admin user management; user records are answered as admins see them (hidden fields included). */
@ApiTags('admin')
@Controller('admin/users')
@AdminOnly({ scope: 'users:manage' })
export class AdminUsersController {
  constructor(
    private readonly tokens: UserTokens,
    private readonly users: AdminUsersService,
  ) {}

  /** `filter`, `sort`, `limit`, `cursor` and `count` as on the records API. */
  @Get()
  list(@Query() q: ListUsersQueryDto): Promise<RecordList> {
    return this.users.list(q);
  }

  @Post()
  create(@Body() body: Record<string, unknown>): Promise<AuthUser> {
    return this.users.create(body);
  }

  @Get(':id')
  get(@Param('id', userId) id: string): Promise<AuthUser> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id', userId) id: string, @Body() body: Record<string, unknown>): Promise<AuthUser> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', userId) id: string): Promise<void> {
    return this.users.delete(id);
  }

  @Get(':id/sessions')
  async sessions(@Param('id', userId) id: string): Promise<ListResponse<SessionInfo>> {
    return { items: await this.users.listSessions(id) };
  }

  @Post(':id/sessions/revoke')
  @HttpCode(204)
  revokeSessions(@Param('id', userId) id: string): Promise<void> {
    return this.users.revokeSessions(id);
  }

  /** A short access token to act as the user (support, testing rules); it has no session and cannot be refreshed. */
  @Post(':id/impersonate')
  @HttpCode(200)
  async impersonate(@CurrentPrincipal() admin: Principal, @Param('id', userId) id: string): Promise<{ accessToken: string; expiresIn: number }> {
    await this.users.get(id);
    return { accessToken: this.tokens.issue({ userId: id, impersonatedBy: `${admin.kind}:${admin.id}` }, IMPERSONATION_TTL_SECONDS), expiresIn: IMPERSONATION_TTL_SECONDS };
  }
}
