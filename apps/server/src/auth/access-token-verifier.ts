import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config.js';
import { JWT_ISSUER } from '../common/jwt.js';
import { deriveKey } from '../common/secrets.js';
import { ACCESS_TYP, type AccessClaims, USER_AUDIENCE } from './user-tokens.js';

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
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly strategy: JwtStrategy;

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

  verify(token: string): Promise<AccessClaims | null> {
    return new Promise((resolve) => {
      // passport strategies report through success/fail/error set on the instance for each call.
      const run = Object.create(this.strategy) as JwtStrategy & { success(p: VerifiedPayload): void; fail(): void; error(): void };
      run.success = (p) => {
        // jsonwebtoken accepts a token without exp; ours always carry one, so none means forged.
        if (p.typ !== ACCESS_TYP || typeof p.sub !== 'string' || typeof p.exp !== 'number') return resolve(null);
        resolve({
          userId: p.sub,
          ...(typeof p.sid === 'string' && { sessionId: p.sid }),
          ...(typeof p.imp === 'string' && { impersonatedBy: p.imp }),
        });
      };
      run.fail = () => resolve(null);
      run.error = () => resolve(null);
      run.authenticate({ headers: { authorization: `Bearer ${token}` } } as unknown as Parameters<JwtStrategy['authenticate']>[0]);
    });
  }
}
