import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { signJwt, verifyJwt } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';

const TYP = 'admin';
const AUD = 'basalt:admin';
const TTL_SECONDS = 7 * 24 * 3600;

/** Admin bearer tokens: HS256 JWTs with their own key, type and audience, so no user token can pass as one. */
@Injectable()
export class AdminTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = deriveKey(config.secret, 'admin-token');
  }

  issue(adminId: string): string {
    return signJwt(this.key, { sub: adminId, typ: TYP, aud: AUD, exp: Math.floor(Date.now() / 1000) + TTL_SECONDS });
  }

  /** The admin id, or null. */
  verify(token: string): string | null {
    return verifyJwt(this.key, token, { typ: TYP, aud: AUD })?.sub ?? null;
  }
}
