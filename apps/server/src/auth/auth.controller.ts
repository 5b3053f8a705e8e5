import type { AuthResponse, AuthSession, AuthUser, ListResponse, MfaRequiredResponse, Principal, SessionInfo, VerificationRequiredResponse } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppError, Errors } from '../common/app-error.js';
import { UserOnly } from '../common/auth/access.decorator.js';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator.js';
import type { BasaltRequest } from '../common/request-context.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, EmailDto, LoginDto, RefreshDto, ResetConfirmDto, TokenDto } from './dto/auth.dto.js';
import { EmailFlows } from './email-flows.service.js';
import type { SessionMeta } from './sessions.service.js';
import { SessionsService } from './sessions.service.js';
import { UsersGateway } from './users.gateway.js';

function meta(req: BasaltRequest): SessionMeta {
  return { userAgent: req.headers['user-agent'] ?? null, ip: req.ip ?? null };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly emailFlows: EmailFlows,
    private readonly users: UsersGateway,
    private readonly limits: AuthRateLimits,
  ) {}

  /** Sign-up takes the users collection's own fields besides email and password, so its body is checked by the collection. */
  @Post('signup')
  async signUp(@Body() body: Record<string, unknown>, @Req() req: BasaltRequest): Promise<AuthResponse | VerificationRequiredResponse> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Errors.validation({ body: 'must be a JSON object' });
    await this.limits.enforce('signup', [`ip:${req.ip}`]);
    return this.auth.signUp(body, meta(req));
  }

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() req: BasaltRequest): Promise<AuthResponse | MfaRequiredResponse> {
    await this.limits.enforce('login', [`ip:${req.ip}`, `account:${body.email}`]);
    await this.limits.assertNotLocked(body.email);
    try {
      const result = await this.auth.login(body.email, body.password, meta(req));
      await this.limits.loginSucceeded(body.email);
      return result;
    } catch (e) {
      if (e instanceof AppError && e.code === 'unauthorized') await this.limits.loginFailed(body.email);
      throw e;
    }
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() body: RefreshDto): Promise<{ session: AuthSession }> {
    const { session } = await this.sessions.refresh(body.refreshToken);
    return { session };
  }

  @Post('logout')
  @HttpCode(204)
  @UserOnly()
  async logout(@CurrentPrincipal() p: Principal): Promise<void> {
    if (p.sessionId) await this.sessions.revoke(p.id!, p.sessionId, 'logout');
  }

  @Get('sessions')
  @UserOnly()
  async listSessions(@CurrentPrincipal() p: Principal): Promise<ListResponse<SessionInfo>> {
    return { items: await this.sessions.list(p.id!, p.sessionId) };
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @UserOnly()
  async revokeSession(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound('session') })) id: string): Promise<void> {
    if (!(await this.sessions.revoke(p.id!, id, 'revoked_by_user'))) throw Errors.notFound('session');
  }

  @Get('me')
  @UserOnly()
  async me(@CurrentPrincipal() p: Principal): Promise<AuthUser> {
    return this.users.present(await this.users.require(p.id!));
  }

  /** Own fields only: roles, emailVerified, disabled, anonymous and email are refused like unknown fields. */
  @Patch('me')
  @UserOnly()
  async updateMe(@CurrentPrincipal() p: Principal, @Body() body: Record<string, unknown>): Promise<AuthUser> {
    this.users.checkOwnFields(body ?? {}, 'update');
    const user = await this.users.transaction((tx) => this.users.update(tx, p.id!, body));
    return this.users.present(user);
  }

  @Post('password')
  @HttpCode(204)
  @UserOnly()
  changePassword(@CurrentPrincipal() p: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(p, body.currentPassword, body.newPassword);
  }

  @Post('verify-email/request')
  @HttpCode(204)
  @UserOnly()
  async requestVerification(@CurrentPrincipal() p: Principal, @Req() req: BasaltRequest): Promise<void> {
    await this.limits.enforce('verification', [`ip:${req.ip}`, `account:${p.id}`]);
    await this.emailFlows.sendVerification(await this.users.require(p.id!));
  }

  @Post('verify-email/confirm')
  @HttpCode(200)
  async confirmVerification(@Body() body: TokenDto, @Req() req: BasaltRequest): Promise<AuthUser> {
    await this.limits.enforce('verification', [`ip:${req.ip}`]);
    return this.users.present(await this.emailFlows.confirmVerification(body.token));
  }

  @Post('password-reset/request')
  @HttpCode(204)
  async requestReset(@Body() body: EmailDto, @Req() req: BasaltRequest): Promise<void> {
    await this.limits.enforce('passwordReset', [`ip:${req.ip}`, `account:${body.email}`]);
    await this.emailFlows.requestReset(body.email);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  async confirmReset(@Body() body: ResetConfirmDto, @Req() req: BasaltRequest): Promise<void> {
    await this.limits.enforce('passwordReset', [`ip:${req.ip}`]);
    await this.auth.checkPassword(body.password);
    await this.emailFlows.confirmReset(body.token, body.password);
  }

  @Post('anonymous')
  anonymous(@Req() req: BasaltRequest): Promise<AuthResponse> {
    return this.auth.anonymous(meta(req));
  }

  @Post('link/password')
  @HttpCode(200)
  @UserOnly()
  linkPassword(@CurrentPrincipal() p: Principal, @Body() body: LoginDto): Promise<AuthUser> {
    return this.auth.linkPassword(p, body.email, body.password);
  }
}
