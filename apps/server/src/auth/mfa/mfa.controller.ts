import type { AuthResponse, Principal, TotpConfirmed, TotpEnrollment } from '@basalt/contracts';
import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { UserOnly } from '../../common/auth/access.decorator.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { BasaltRequest } from '../../common/request-context.js';
import { MfaCodeDto, MfaVerifyDto } from './dto/mfa.dto.js';
import { MfaService } from './mfa.service.js';

@ApiTags('auth')
@Controller('auth/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('totp/enroll')
  @HttpCode(200)
  @UserOnly()
  enroll(@CurrentPrincipal() p: Principal): Promise<TotpEnrollment> {
    return this.mfa.enroll(p);
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @UserOnly()
  confirm(@CurrentPrincipal() p: Principal, @Body() body: MfaCodeDto): Promise<TotpConfirmed> {
    return this.mfa.confirm(p, body.code);
  }

  /** Takes `{code}` (TOTP or recovery code) in the body: an access token alone cannot remove the second factor. */
  @Delete('totp')
  @HttpCode(204)
  @UserOnly()
  disable(@CurrentPrincipal() p: Principal, @Body() body: MfaCodeDto): Promise<void> {
    return this.mfa.disable(p, body.code);
  }

  /** The second step of a login that answered `{mfaRequired, mfaToken}`; no access token needed. */
  @Post('verify')
  @HttpCode(200)
  verify(@Body() body: MfaVerifyDto, @Req() req: BasaltRequest): Promise<AuthResponse> {
    return this.mfa.verifyLogin(body.mfaToken, body.code, { userAgent: req.headers['user-agent'] ?? null, ip: req.ip ?? null });
  }
}
