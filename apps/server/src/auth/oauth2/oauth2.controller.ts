import type { AuthResponse, ListResponse, MfaRequiredResponse, OAuth2ProviderInfo } from '@basalt/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Errors } from '../../common/app-error.js';
import type { BasaltRequest } from '../../common/request-context.js';
import { AuthRateLimits } from '../auth-rate-limits.js';
import { OAuth2Accounts } from './oauth2-accounts.service.js';
import { OAuth2ExchangeDto } from './oauth2.dto.js';
import { OAuth2Providers } from './oauth2-providers.service.js';
import { type CallbackParams, OAuth2SignIn } from './oauth2-sign-in.service.js';

const FORM_LIMIT_BYTES = 16 * 1024;

/** OAuth2/OIDC sign-in: public routes; the browser goes start -> provider -> callback -> app, the app then exchanges the code. */
@ApiTags('auth')
@Controller('auth/oauth2')
export class OAuth2Controller {
  constructor(
    private readonly providers: OAuth2Providers,
    private readonly signIn: OAuth2SignIn,
    private readonly accounts: OAuth2Accounts,
    private readonly limits: AuthRateLimits,
  ) {}

  @Get('providers')
  async list(): Promise<ListResponse<OAuth2ProviderInfo>> {
    return { items: await this.providers.list() };
  }

  /** 302 to the provider. `codeChallenge` (optional, S256) binds the final code to the app's own PKCE verifier. */
  @Get(':provider/start')
  async start(
    @Param('provider') provider: string,
    @Query('redirectUri') redirectUri: unknown,
    @Query('codeChallenge') codeChallenge: unknown,
    @Req() req: BasaltRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.limits.enforce('oauth2', [`start-ip:${req.ip}`]);
    redirect(res, await this.signIn.start(provider, redirectUri, codeChallenge));
  }

  @Get(':provider/callback')
  async callback(@Param('provider') provider: string, @Query() query: CallbackParams, @Res() res: FastifyReply): Promise<void> {
    redirect(res, await this.signIn.callback(provider, query));
  }

  /** `response_mode=form_post` (Apple): the same answer as a form POST from the provider's page. */
  @Post(':provider/callback')
  async formCallback(@Param('provider') provider: string, @Req() req: BasaltRequest, @Res() res: FastifyReply): Promise<void> {
    redirect(res, await this.signIn.callback(provider, await readForm(req)), 303);
  }

  @Post('exchange')
  @HttpCode(200)
  async exchange(@Body() body: OAuth2ExchangeDto, @Req() req: BasaltRequest): Promise<AuthResponse | MfaRequiredResponse> {
    await this.limits.enforce('oauth2', [`exchange-ip:${req.ip}`]);
    return this.accounts.exchange(body.code, body.codeVerifier, { userAgent: req.headers['user-agent'] ?? null, ip: req.ip ?? null });
  }
}

/** The URL carries a code or state: keep it out of caches and of the next page's Referer. */
function redirect(res: FastifyReply, url: string, status = 302): void {
  void res.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').redirect(url, status);
}

/** The /api body parser reads JSON only; a provider's form_post is read here, small and urlencoded. */
async function readForm(req: BasaltRequest): Promise<CallbackParams> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) throw Errors.validation({ body: 'must be application/x-www-form-urlencoded' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) throw Errors.validation({ body: 'is too large' });
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const out: Record<string, string> = {};
  for (const key of ['code', 'state', 'error', 'error_description', 'iss', 'user'] as const) {
    const value = form.get(key);
    if (value !== null) out[key] = value;
  }
  return out;
}
