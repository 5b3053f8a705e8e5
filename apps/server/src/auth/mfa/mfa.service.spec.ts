import { jest } from '@jest/globals';
import type { AuthResponse, AuthUser, Principal } from '@basalt/contracts';
import { AppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/app-config.js';
import type { AuthService } from '../auth.service.js';
import type { MfaTokens } from '../mfa-tokens.js';
import type { UsersGateway } from '../users.gateway.js';
import type { AttemptClaim, MfaRepository, MfaRow } from './mfa.repository.js';
import { MAX_FAILED_CODES, MfaService } from './mfa.service.js';
import { base32Decode, hotp, totpStep } from './totp.js';

/** basalt.user_mfa in memory, with the same conditional semantics as the SQL (minus the clock of the window). */
class FakeMfaRepository implements Pick<MfaRepository, keyof MfaRepository> {
  rows = new Map<string, MfaRow & { recoveryHashes: string[]; lastUsedStep: number | null; attempts: number }>();
  claims = 0;

  async find(userId: string): Promise<MfaRow | null> {
    const r = this.rows.get(userId);
    return r ? { userId: r.userId, secretSealed: r.secretSealed, confirmedAt: r.confirmedAt } : null;
  }
  async savePending(userId: string, secretSealed: string): Promise<boolean> {
    if (this.rows.get(userId)?.confirmedAt) return false;
    this.rows.set(userId, { userId, secretSealed, confirmedAt: null, recoveryHashes: [], lastUsedStep: null, attempts: 0 });
    return true;
  }
  async confirm(userId: string, secretSealed: string, usedStep: number, recoveryHashes: string[]): Promise<boolean> {
    const r = this.rows.get(userId);
    if (!r || r.confirmedAt || r.secretSealed !== secretSealed) return false;
    Object.assign(r, { confirmedAt: new Date(), lastUsedStep: usedStep, recoveryHashes });
    return true;
  }
  async consumeStep(userId: string, step: number): Promise<boolean> {
    const r = this.rows.get(userId);
    if (!r?.confirmedAt || (r.lastUsedStep !== null && r.lastUsedStep >= step)) return false;
    r.lastUsedStep = step;
    return true;
  }
  async consumeRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const r = this.rows.get(userId);
    if (!r?.confirmedAt || !r.recoveryHashes.includes(hash)) return false;
    r.recoveryHashes = r.recoveryHashes.filter((h) => h !== hash);
    return true;
  }
  async remove(userId: string, confirmed: boolean): Promise<boolean> {
    const r = this.rows.get(userId);
    return !!r && (r.confirmedAt !== null) === confirmed && this.rows.delete(userId);
  }
  async claimAttempt(userId: string, max: number): Promise<AttemptClaim> {
    this.claims++;
    const r = this.rows.get(userId)!;
    if (r.attempts >= max) return { allowed: false, retryAfterSeconds: 42 };
    r.attempts++;
    return { allowed: true };
  }
  async clearAttempts(userId: string): Promise<void> {
    this.rows.get(userId)!.attempts = 0;
  }
}

const ANN = { id: '0190a0a0-0000-7000-8000-000000000001', email: 'ann@example.com', anonymous: false, disabled: false } as AuthUser;
const principal = (user: AuthUser): Principal => ({ kind: 'user', id: user.id, roles: [], scopes: [] });
const SIGNED_IN = { user: ANN, session: { accessToken: 'a', refreshToken: 'r', expiresIn: 900 } } satisfies AuthResponse;

function setup() {
  const repo = new FakeMfaRepository();
  const completeLogin = jest.fn<AuthService['completeLogin']>().mockResolvedValue(SIGNED_IN);
  const users: Pick<UsersGateway, 'require' | 'byId'> = {
    require: async (id) => (id === ANN.id ? ANN : { ...ANN, id, anonymous: true, email: null }),
    byId: async (id) => (id === ANN.id ? ANN : null),
  };
  const tokens: Pick<MfaTokens, 'verify'> = { verify: (t) => (t === 'mfa-token-of-ann' ? ANN.id : null) };
  const service = new MfaService(
    repo as unknown as MfaRepository,
    users as UsersGateway,
    { completeLogin } as unknown as AuthService,
    tokens as MfaTokens,
    { secret: 's'.repeat(32) } as AppConfig,
  );
  return { repo, completeLogin, service };
}

/** Enrolled and confirmed with the current step; returns a code generator and the recovery codes. */
async function enabled(s: ReturnType<typeof setup>) {
  const { secret } = await s.service.enroll(principal(ANN));
  const key = base32Decode(secret);
  const step = totpStep(Date.now());
  const { recoveryCodes } = await s.service.confirm(principal(ANN), hotp(key, step));
  return { secret, codeAt: (offset: number) => hotp(key, step + offset), recoveryCodes };
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe('MfaService', () => {
  it('stores the secret sealed and the recovery codes as keyed hashes only', async () => {
    const s = setup();
    const { secret, recoveryCodes } = await enabled(s);
    const row = s.repo.rows.get(ANN.id)!;
    expect(row.secretSealed).toMatch(/^v1\./);
    expect(row.secretSealed).not.toContain(secret);
    expect(row.recoveryHashes).toHaveLength(10);
    for (const code of recoveryCodes) expect(row.recoveryHashes.join()).not.toContain(code.replace('-', ''));
  });

  it('completes the login with a session marked mfa and without asking for MFA again', async () => {
    const s = setup();
    const { codeAt } = await enabled(s);
    await expect(s.service.verifyLogin('mfa-token-of-ann', codeAt(1), { userAgent: 'ua', ip: '1.2.3.4' })).resolves.toBe(SIGNED_IN);
    expect(s.completeLogin).toHaveBeenCalledWith(ANN, { userAgent: 'ua', ip: '1.2.3.4', mfa: true }, { skipMfa: true });
  });

  it('refuses the step used to confirm, and any step already used, as a replay', async () => {
    const s = setup();
    const { codeAt } = await enabled(s);
    expect((await caught(s.service.verifyLogin('mfa-token-of-ann', codeAt(0), {}))).message).toContain('already used');
    await s.service.verifyLogin('mfa-token-of-ann', codeAt(1), {});
    expect((await caught(s.service.verifyLogin('mfa-token-of-ann', codeAt(1), {}))).message).toContain('already used');
    expect(s.completeLogin).toHaveBeenCalledTimes(1);
  });

  it('checks the mfaToken before counting an attempt', async () => {
    const s = setup();
    const { codeAt } = await enabled(s);
    const e = await caught(s.service.verifyLogin('forged', codeAt(1), {}));
    expect(e.code).toBe('unauthorized');
    expect(s.repo.claims).toBe(0);
  });

  it(`refuses even a right code with 429 once ${MAX_FAILED_CODES} attempts are counted, and consumes nothing`, async () => {
    const s = setup();
    const { codeAt, recoveryCodes } = await enabled(s);
    for (let i = 0; i < MAX_FAILED_CODES; i++) expect((await caught(s.service.verifyLogin('mfa-token-of-ann', 'zzzz-zzzz', {}))).code).toBe('unauthorized');
    for (const code of [codeAt(1), recoveryCodes[0]!]) {
      const e = await caught(s.service.verifyLogin('mfa-token-of-ann', code, {}));
      expect(e).toMatchObject({ code: 'rate_limited', details: { retryAfter: '42' } });
    }
    expect(s.repo.rows.get(ANN.id)!.recoveryHashes).toHaveLength(10);
    expect(s.completeLogin).not.toHaveBeenCalled();
  });

  it('clears the count after a right code only', async () => {
    const s = setup();
    const { recoveryCodes } = await enabled(s);
    await caught(s.service.verifyLogin('mfa-token-of-ann', '000000', {}));
    expect(s.repo.rows.get(ANN.id)!.attempts).toBe(1);
    await s.service.verifyLogin('mfa-token-of-ann', recoveryCodes[0]!, {});
    expect(s.repo.rows.get(ANN.id)!.attempts).toBe(0);
  });

  it('answers enroll with 409 once confirmed, and refuses anonymous accounts', async () => {
    const s = setup();
    await enabled(s);
    expect((await caught(s.service.enroll(principal(ANN)))).code).toBe('conflict');
    const anon = { ...ANN, id: '0190a0a0-0000-7000-8000-000000000002' };
    expect((await caught(s.service.enroll(principal(anon)))).code).toBe('forbidden');
  });

  it('drops an unconfirmed enrollment on disable without a code, a confirmed one only with a right code', async () => {
    const s = setup();
    await s.service.enroll(principal(ANN));
    await s.service.disable(principal(ANN), '');
    expect(s.repo.rows.size).toBe(0);

    const { codeAt } = await enabled(s);
    expect((await caught(s.service.disable(principal(ANN), '000000'))).code).toBe('validation_failed');
    expect(s.repo.rows.size).toBe(1);
    await s.service.disable(principal(ANN), codeAt(1));
    expect(s.repo.rows.size).toBe(0);
  });
});
