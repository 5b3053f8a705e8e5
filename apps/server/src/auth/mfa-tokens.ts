import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { signJwt, verifyJwt } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';

const TYP = 'mfa';
const AUD = 'basalt:mfa';
const TTL_SECONDS = 5 * 60;

/** The short-lived token that proves the password step of a login whose second factor is still due. */
@Injectable()
export class MfaTokens {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly ds: DataSource,
  ) {
    this.key = deriveKey(config.secret, 'mfa-token');
  }

  issue(userId: string): string {
    return signJwt(this.key, { sub: userId, typ: TYP, aud: AUD, exp: Math.floor(Date.now() / 1000) + TTL_SECONDS });
  }

  /** The user id, or null for anything else (including access and admin tokens). */
  verify(token: string): string | null {
    return verifyJwt(this.key, token, { typ: TYP, aud: AUD })?.sub ?? null;
  }

  async enrolled(userId: string): Promise<boolean> {
    const rows = await this.ds.query('SELECT 1 FROM basalt.user_mfa WHERE user_id = $1 AND confirmed_at IS NOT NULL', [userId]);
    return rows.length > 0;
  }
}
