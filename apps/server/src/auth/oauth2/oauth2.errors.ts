import { AppError, Errors } from '../../common/app-error.js';

/** The `error` codes a sign-in can end with at the app's redirect URI, besides the provider's own (`access_denied`, ...). */
export type OAuth2FailureCode =
  | 'provider_error'
  | 'provider_unavailable'
  | 'provider_not_configured'
  | 'invalid_response'
  | 'token_exchange_failed'
  | 'invalid_id_token'
  | 'account_exists_unverified'
  | 'signup_disabled'
  | 'server_error';

/**
 * A sign-in that failed after the state proved where to send the browser: the callback redirects to
 * `redirectUri?error=<code>&error_description=<message>` instead of answering with an error body.
 * Messages go to the app's URL, so they never carry tokens or secrets.
 */
export class OAuth2Failure extends Error {
  constructor(
    readonly code: OAuth2FailureCode | string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OAuth2Failure';
  }
}

export const OAuth2Errors = {
  unknownProvider: (name: string) => new AppError('not_found', `oauth2 provider '${name}' not found`),
  badState: () => Errors.validation({ state: 'is invalid, used or expired: start the sign-in again' }),
  badCode: () => Errors.validation({ code: 'is invalid, used or expired' }),
  unavailable: (what: string, options?: ErrorOptions) => new AppError('service_unavailable', `the identity provider could not be reached (${what})`, undefined, options),
};
