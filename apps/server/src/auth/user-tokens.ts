import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { signJwt } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';

export const USER_AUDIENCE = 'basalt:user';
export const ACCESS_TYP = 'access';

export interface AccessClaims {
  userId: string;
  /** The session the token belongs to; absent on admin impersonation tokens, which cannot be refreshed. */
  sessionId?: string;
  impersonatedBy?: string;
}

/** Issues user access tokens: HS256 JWTs with their own key, type and audience (never valid as admin tokens). AccessTokenVerifier checks them. */
@Injectable()
export class UserTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = deriveKey(config.secret, 'user-access-token');
  }

  issue(claims: AccessClaims, ttlSeconds: number): string {
    return signJwt(this.key, {
      sub: claims.userId,
      typ: ACCESS_TYP,
      aud: USER_AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + ttlSeconds,
      ...(claims.sessionId && { sid: claims.sessionId }),
      ...(claims.impersonatedBy && { imp: claims.impersonatedBy }),
    });
  }
}
