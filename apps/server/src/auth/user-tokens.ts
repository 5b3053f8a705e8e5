import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type JwtClaims, signJwt, verifyJwt } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';

const AUD = 'basalt:user';
export const ACCESS_TYP = 'access';

export interface AccessClaims {
  userId: string;
  /** The session the token belongs to; absent on admin impersonation tokens, which cannot be refreshed. */
  sessionId?: string;
  impersonatedBy?: string;
}

/** User access tokens: HS256 JWTs with their own key, type and audience (never valid as admin tokens). */
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
      aud: AUD,
      exp: Math.floor(Date.now() / 1000) + ttlSeconds,
      ...(claims.sessionId && { sid: claims.sessionId }),
      ...(claims.impersonatedBy && { imp: claims.impersonatedBy }),
    });
  }

  verify(token: string): AccessClaims | null {
    const c: JwtClaims | null = verifyJwt(this.key, token, { typ: ACCESS_TYP, aud: AUD });
    if (!c) return null;
    return {
      userId: c.sub,
      ...(typeof c.sid === 'string' && { sessionId: c.sid }),
      ...(typeof c.imp === 'string' && { impersonatedBy: c.imp }),
    };
  }
}
