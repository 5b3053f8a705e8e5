import type { Settings } from '@basalt/contracts';

/** What a fresh install runs with; stored settings are merged over these group by group. */
export const DEFAULT_SETTINGS: Settings = {
  auth: {
    requireEmailVerification: false,
    allowSignup: true,
    allowAnonymous: true,
    accessTokenTtl: 15 * 60,
    refreshTokenTtl: 30 * 24 * 3600,
    passwordMinLength: 8,
  },
  oauth2: { providers: [] },
  push: {},
  smtp: null,
  // Per IP and per account (login: also a lockout after 10 failures for 15 minutes).
  rateLimits: {
    login: { max: 30, windowSeconds: 300 },
    signup: { max: 30, windowSeconds: 600 },
    passwordReset: { max: 5, windowSeconds: 900 },
    verification: { max: 10, windowSeconds: 900 },
    oauth2: { max: 100, windowSeconds: 300 },
  },
};

export type SettingsGroup = keyof Settings;
export const SETTINGS_GROUPS = Object.keys(DEFAULT_SETTINGS) as SettingsGroup[];

/**
 * Paths (within a group) of write-only values: encrypted at rest, masked on read.
 * `[]` stands for every element of an array.
 */
export const SECRET_PATHS: Record<SettingsGroup, string[][]> = {
  auth: [],
  oauth2: [['providers', '[]', 'clientSecret']],
  push: [['fcm', 'serviceAccount'], ['apns', 'keyP8'], ['webpush', 'vapidPrivateKey']],
  smtp: [['url']],
  rateLimits: [],
};
