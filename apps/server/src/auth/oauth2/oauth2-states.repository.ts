import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { uuidv7 } from '../../common/ids.js';
import { decryptString, deriveKey, encryptString, randomToken, sha256Hex } from '../../common/secrets.js';

/** `basalt.user_tokens.kind` of a sign-in waiting for the provider's callback. */
export const STATE_KIND = 'oauth_state';
const STATE_TTL_SECONDS = 10 * 60;
/** One create in this many also deletes long-expired states and codes (they belong to no user, so nothing else removes them). */
const SWEEP_EVERY = 50;

/** What the callback needs to finish a sign-in started by this server. */
export interface PendingSignIn {
  provider: string;
  redirectUri: string;
  codeVerifier: string;
  /** OIDC only. */
  nonce: string | null;
  /** The app's own PKCE challenge (S256) for the Basalt code, when it sent one. */
  appCodeChallenge: string | null;
}

/**
 * The `state` of an authorization request, kept server-side: the browser only carries a random
 * token, the row holds its hash and the sealed details (the PKCE verifier never leaves the server
 * in the clear). Single use, 10 minutes.
 */
@Injectable()
export class OAuth2States {
  private readonly key: Buffer;

  constructor(
    private readonly ds: DataSource,
    config: AppConfig,
  ) {
    this.key = deriveKey(config.secret, 'oauth2-state');
  }

  async create(pending: PendingSignIn): Promise<string> {
    const state = randomToken(32);
    await this.ds.query(
      `INSERT INTO basalt.user_tokens (id, user_id, kind, token_hash, data, expires_at) VALUES ($1, NULL, $2, $3, $4, now() + ($5::int * interval '1 second'))`,
      [uuidv7(), STATE_KIND, sha256Hex(state), JSON.stringify({ sealed: encryptString(this.key, JSON.stringify(pending)) }), STATE_TTL_SECONDS],
    );
    if (Math.random() * SWEEP_EVERY < 1) await this.sweep();
    return state;
  }

  /** The pending sign-in, marked used; null for an unknown, used, expired or undecryptable state. */
  async consume(state: unknown): Promise<PendingSignIn | null> {
    if (typeof state !== 'string' || state.length < 20 || state.length > 200) return null;
    const [rows]: [Array<{ data: { sealed?: unknown } | null }>, number] = await this.ds.query(
      `UPDATE basalt.user_tokens SET used_at = now() WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now() RETURNING data`,
      [sha256Hex(state), STATE_KIND],
    );
    const sealed = rows[0]?.data?.sealed;
    if (typeof sealed !== 'string') return null;
    try {
      return JSON.parse(decryptString(this.key, sealed)) as PendingSignIn;
    } catch {
      return null;
    }
  }

  private async sweep(): Promise<void> {
    await this.ds.query(`DELETE FROM basalt.user_tokens WHERE kind IN ($1, 'oauth_code') AND expires_at < now() - interval '1 hour'`, [STATE_KIND]);
  }
}
