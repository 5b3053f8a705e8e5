import { OAuth2Accounts } from './oauth2-accounts.service.js';
import { OAuth2Client } from './oauth2-client.js';
import { OAuth2Controller } from './oauth2.controller.js';
import { OAuth2Providers } from './oauth2-providers.service.js';
import { OAuth2SignIn } from './oauth2-sign-in.service.js';
import { OAuth2States } from './oauth2-states.repository.js';
import { UserIdentities } from './user-identities.repository.js';

/**
 * OAuth2/OIDC sign-in lives inside AuthModule (it needs AuthService.completeLogin, UsersGateway and
 * OneTimeTokens, which that module does not export): these are what AuthModule registers for it.
 */
export const OAUTH2_CONTROLLERS = [OAuth2Controller];
export const OAUTH2_PROVIDERS = [OAuth2Providers, OAuth2Client, OAuth2States, UserIdentities, OAuth2Accounts, OAuth2SignIn];
