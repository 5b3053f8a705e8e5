import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config.js';
import { JWT_ISSUER } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';
import { ACCESS_TYP, type AccessClaims, USER_AUDIENCE } from './user-tokens.js';

/** Verified tokens remembered at most; past this the oldest go first. */
const VERIFIED_CACHE_SIZE = 10_000;

interface VerifiedPayload {
  sub?: unknown;
  exp?: unknown;
  typ?: unknown;
  sid?: unknown;
  imp?: unknown;
}

/**
 * Verifies user access tokens with passport-jwt: HS256 only (the algorithm is pinned, so `alg: none`
 * and RS/HS confusion are refused), issuer, audience and expiry checked by jsonwebtoken, then the
 * token type. Runs the strategy directly rather than as Express middleware, so it plugs into the
 * one principal guard that also resolves admin tokens and API keys.
 *
 * Whether a token's signature and claims verify depends on nothing but the token and the clock, so a
 * token verified once is remembered with its expiry (an app sends the same token with every request
 * until it refreshes it): a repeat is checked against `exp` only, sparing jsonwebtoken's parsing and
 * HMAC, ~5 % of a signed-in read's CPU. Revocation is not decided here: sessions are checked per use.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly strategy: JwtStrategy;
  private readonly verified = new Map<string, { claims: AccessClaims; exp: number }>();

  constructor(config: AppConfig) {
    this.strategy = new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // A KeyObject, not the raw bytes: given bytes, jsonwebtoken first tries (and fails) to parse
        // them as a public key on every verify, a thrown exception per request (~1 ms under load).
        secretOrKey: createSecretKey(deriveKey(config.secret, 'user-access-token')) as unknown as Buffer,
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: USER_AUDIENCE,
      },
      (payload: VerifiedPayload, done: (err: unknown, user?: unknown) => void) => done(null, payload),
    );
  }

  async verify(token: string, now = Date.now()): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      // jsonwebtoken's own test: expired once the current whole second reaches exp.
      if (Math.floor(now / 1000) < known.exp) return known.claims;
      this.verified.delete(token);
      return null;
    }
    const result = await this.runStrategy(token);
    if (!result) return null;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, result);
    return result.claims;
  }

  private runStrategy(token: string): Promise<{ claims: AccessClaims; exp: number } | null> {
    return new Promise((resolve) => {
      // passport strategies report through success/fail/error set on the instance for each call.
      const run = Object.create(this.strategy) as JwtStrategy & { success(p: VerifiedPayload): void; fail(): void; error(): void };
      run.success = (p) => {
        // jsonwebtoken accepts a token without exp; ours always carry one, so none means forged.
        if (p.typ !== ACCESS_TYP || typeof p.sub !== 'string' || typeof p.exp !== 'number') return resolve(null);
        const claims: AccessClaims = Object.freeze({
          userId: p.sub,
          ...(typeof p.sid === 'string' && { sessionId: p.sid }),
          ...(typeof p.imp === 'string' && { impersonatedBy: p.imp }),
        });
        resolve({ claims, exp: p.exp });
      };
      run.fail = () => resolve(null);
      run.error = () => resolve(null);
      run.authenticate({ headers: { authorization: `Bearer ${token}` } } as unknown as Parameters<JwtStrategy['authenticate']>[0]);
    });
  }
}
