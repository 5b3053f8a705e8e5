import type { BaseRecord } from './collections';

/** A record of the built-in `users` collection. */
export interface AuthUser extends BaseRecord {
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  avatar: string | null;
  roles: string[];
  anonymous: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
}

export interface AuthSession {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface AuthResponse {
  user: AuthUser;
  session: AuthSession;
}

/** Sign-up when the project requires a verified email before login. */
export interface VerificationRequiredResponse {
  user: AuthUser;
  verificationRequired: true;
}

/** Login of a user with MFA: finish with POST /api/auth/mfa/verify. */
export interface MfaRequiredResponse {
  mfaRequired: true;
  mfaToken: string;
}

export interface SignUpRequest {
  email: string;
  password: string;
  [field: string]: unknown;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** The session of the token making this request. */
  current: boolean;
}

export interface TotpEnrollment {
  secret: string;
  otpauthUrl: string;
}

export interface TotpConfirmed {
  /** Single-use codes for when the authenticator is lost; shown once. */
  recoveryCodes: string[];
}

export interface OAuth2ProviderInfo {
  name: string;
  type: 'oidc' | 'github' | 'google' | 'apple';
}
