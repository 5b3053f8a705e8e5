/** Secret values come back as this string; sending it back unchanged keeps the stored secret. */
export const MASKED_SECRET = '********';

export interface AuthSettings {
  requireEmailVerification: boolean;
  allowSignup: boolean;
  allowAnonymous: boolean;
  /** Seconds. */
  accessTokenTtl: number;
  /** Seconds. */
  refreshTokenTtl: number;
  passwordMinLength: number;
}

export interface OAuth2ProviderSettings {
  name: string;
  type: 'oidc' | 'github' | 'google' | 'apple';
  issuer?: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
}

export interface PushSettings {
  fcm?: { serviceAccount: string; baseUrl?: string };
  apns?: { keyP8: string; keyId: string; teamId: string; bundleId: string; production: boolean; baseUrl?: string };
  webpush?: { vapidPublicKey: string; vapidPrivateKey: string; subject: string };
}

export interface SmtpSettings {
  url: string;
  from: string;
}

export interface RateLimitRule {
  /** Requests allowed per window. */
  max: number;
  /** Window length in seconds. */
  windowSeconds: number;
}

export interface RateLimitSettings {
  login: RateLimitRule;
  signup: RateLimitRule;
  passwordReset: RateLimitRule;
  verification: RateLimitRule;
  /** OAuth2 sign-in starts and code exchanges (each start stores a state). */
  oauth2: RateLimitRule;
}

export interface Settings {
  auth: AuthSettings;
  oauth2: { providers: OAuth2ProviderSettings[] };
  push: PushSettings;
  smtp: SmtpSettings | null;
  rateLimits: RateLimitSettings;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | null : T[K] };
export type SettingsPatch = DeepPartial<Settings>;
