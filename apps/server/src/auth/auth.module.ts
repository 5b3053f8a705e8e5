import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { CollectionsModule } from '../collections/collections.module.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersService } from './admin/admin-users.service.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { EmailFlows } from './email-flows.service.js';
import { MfaTokens } from './mfa-tokens.js';
import { OAUTH2_CONTROLLERS, OAUTH2_PROVIDERS } from './oauth2/oauth2.registration.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { MfaService } from './mfa/mfa.service.js';
import { OneTimeTokens } from './one-time-tokens.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { UserPrincipals } from './user-principals.js';
import { UserTokens } from './user-tokens.js';
import { UsersGateway } from './users.gateway.js';

/**
 * User auth. Users are records of the `users` collection, so this module builds on the collections
 * module's records service (and reads the auth settings); it is the one feature that does.
 */
@Module({
  imports: [CollectionsModule, AdminModule],
  controllers: [AuthController, AdminUsersController, MfaController, ...OAUTH2_CONTROLLERS],
  providers: [
    UserTokens, AccessTokenVerifier, UserPrincipals,
    SessionsRepository, SessionsService,
    CredentialsRepository, OneTimeTokens, UsersGateway,
    MfaTokens, EmailFlows, AuthService, AuthRateLimits,
    MfaRepository, MfaService, AdminUsersService,
    ...OAUTH2_PROVIDERS,
  ],
})
export class AuthModule {}
