import type { AppConfig } from '../config/app-config.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { UserTokens } from './user-tokens.js';

const config = { secret: 's'.repeat(32) } as AppConfig;

describe('AccessTokenVerifier', () => {
  const tokens = new UserTokens(config);

  it('verifies a token it is sent again without changing the answer', async () => {
    const verifier = new AccessTokenVerifier(config);
    const token = tokens.issue({ userId: 'u1', sessionId: 's1' }, 60);
    expect(await verifier.verify(token)).toEqual({ userId: 'u1', sessionId: 's1' });
    expect(await verifier.verify(token)).toEqual({ userId: 'u1', sessionId: 's1' });
  });

  it('refuses a remembered token from the second it expires', async () => {
    const verifier = new AccessTokenVerifier(config);
    const token = tokens.issue({ userId: 'u1' }, 60);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(await verifier.verify(token, exp * 1000 - 1)).toEqual({ userId: 'u1' });
    expect(await verifier.verify(token, exp * 1000)).toBeNull();
    expect(await verifier.verify(token, exp * 1000 - 1)).not.toBeNull();
  });

  it('refuses a token that differs from a remembered one in its signature or its claims', async () => {
    const verifier = new AccessTokenVerifier(config);
    const token = tokens.issue({ userId: 'u1' }, 60);
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherUser = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'u2' })).toString('base64url');
    expect(await verifier.verify(`${header}.${payload}.${signature.slice(0, -2)}AA`)).toBeNull();
    expect(await verifier.verify(`${header}.${otherUser}.${signature}`)).toBeNull();
    expect(await verifier.verify(new UserTokens({ secret: 't'.repeat(32) } as AppConfig).issue({ userId: 'u1' }, 60))).toBeNull();
  });
});
