import { MASKED_SECRET, type Settings } from '@basalt/contracts';
import { decryptString, deriveKey } from '../common/secrets.js';
import type { SettingsPatchDto } from './dto/settings.dto.js';
import { DEFAULT_SETTINGS } from './settings.defaults.js';
import { create, github, google, RecordingEventBus, refusal, SECRET, setup, SMTP_URL } from './testing/settings-doubles.js';

describe('SettingsService', () => {
  describe('secrets', () => {
    const push = {
      fcm: { serviceAccount: '{"private_key":"fcm-plain"}' },
      apns: { keyP8: 'apns-plain', keyId: 'KEY', teamId: 'TEAM', bundleId: 'app.basalt', production: false },
      webpush: { vapidPublicKey: 'public-key', vapidPrivateKey: 'vapid-plain', subject: 'mailto:ops@example.com' },
    };
    const plaintexts = ['p4ssw0rd-plain', 'gh-secret-plain', 'go-secret-plain', 'fcm-plain', 'apns-plain', 'vapid-plain'];

    async function withEverySecret() {
      const ctx = setup();
      const answer = await ctx.service.update({ smtp: { url: SMTP_URL, from: 'Basalt <a@b.c>' }, oauth2: { providers: [github, google] }, push });
      return { ...ctx, answer };
    }

    it('stores secrets encrypted: the repository never sees a plaintext', async () => {
      const { repo } = await withEverySecret();
      const stored = repo.written.join('\n');
      for (const p of plaintexts) expect(stored).not.toContain(p);
      const key = deriveKey(SECRET, 'settings');
      expect(decryptString(key, (repo.rows.get('smtp') as { url: string }).url)).toBe(SMTP_URL);
      const providers = (repo.rows.get('oauth2') as { providers: Array<{ clientSecret: string; clientId: string }> }).providers;
      expect(providers.map((p) => decryptString(key, p.clientSecret))).toEqual(['gh-secret-plain', 'go-secret-plain']);
      expect(providers.map((p) => p.clientId)).toEqual(['gh-id', 'go-id']);
      expect((repo.rows.get('push') as typeof push).webpush.vapidPublicKey).toBe('public-key');
    });

    it('gives features the decrypted values', async () => {
      const { service } = await withEverySecret();
      const settings = await service.get();
      expect(settings.smtp?.url).toBe(SMTP_URL);
      expect(settings.oauth2.providers).toEqual([github, google]);
      expect(settings.push).toEqual(push);
    });

    it('is readable by another node sharing BASALT_SECRET', async () => {
      const { repo } = await withEverySecret();
      const { service: other } = create(repo, new RecordingEventBus());
      expect((await other.get()).smtp?.url).toBe(SMTP_URL);
    });

    it('masks every secret on the way out, and only the secrets', async () => {
      const { service, answer } = await withEverySecret();
      const expected: Settings = {
        ...DEFAULT_SETTINGS,
        smtp: { url: MASKED_SECRET, from: 'Basalt <a@b.c>' },
        oauth2: { providers: [{ ...github, clientSecret: MASKED_SECRET }, { ...google, clientSecret: MASKED_SECRET }] as Settings['oauth2']['providers'] },
        push: {
          fcm: { serviceAccount: MASKED_SECRET },
          apns: { ...push.apns, keyP8: MASKED_SECRET },
          webpush: { ...push.webpush, vapidPrivateKey: MASKED_SECRET },
        },
      };
      expect(answer).toEqual(expected);
      await expect(service.masked()).resolves.toEqual(expected);
      for (const p of plaintexts) expect(JSON.stringify(answer)).not.toContain(p);
    });

    it('keeps the stored SMTP URL when the mask is sent back', async () => {
      const { repo, service } = await withEverySecret();
      await service.update({ smtp: { url: MASKED_SECRET, from: 'Ops <ops@example.com>' } });
      await expect(service.group('smtp')).resolves.toEqual({ url: SMTP_URL, from: 'Ops <ops@example.com>' });
      expect(repo.written.join('\n')).not.toContain(MASKED_SECRET);
    });

    it('keeps each OAuth2 client secret by provider name, even after reordering', async () => {
      const { service } = await withEverySecret();
      const masked = await service.masked();
      const [gh, go] = masked.oauth2.providers;
      await service.update({ oauth2: { providers: [{ ...go, clientId: 'go-id-2' }, gh] } });
      expect((await service.get()).oauth2.providers).toEqual([{ ...google, clientId: 'go-id-2' }, github]);
    });

    it('keeps push secrets when the masked group is sent back as read', async () => {
      const { service } = await withEverySecret();
      const masked = await service.masked();
      await service.update({ push: { ...masked.push, apns: { ...masked.push.apns!, production: true } } });
      expect((await service.get()).push).toEqual({ ...push, apns: { ...push.apns, production: true } });
    });

    it.each<[string, SettingsPatchDto, string]>([
      ['SMTP when none is stored', { smtp: { url: MASKED_SECRET, from: 'a@b.c' } }, 'smtp.url'],
      ['a provider that is not stored', { oauth2: { providers: [{ ...github, clientSecret: MASKED_SECRET }] } }, 'oauth2.providers.0.clientSecret'],
      ['a push key that is not stored', { push: { webpush: { ...push.webpush, vapidPrivateKey: MASKED_SECRET } } }, 'push.webpush.vapidPrivateKey'],
    ])('refuses the mask for %s, and saves nothing', async (_, patch, field) => {
      const { repo, service } = setup();
      const error = await refusal(service.update(patch));
      expect(error.code).toBe('validation_failed');
      expect(error.details?.[field]).toBe('no stored secret to keep: send the value itself');
      expect(repo.written).toEqual([]);
    });

    it('refuses the mask for a provider renamed in the same patch', async () => {
      const { service } = await withEverySecret();
      const error = await refusal(service.update({ oauth2: { providers: [{ ...github, name: 'gh', clientSecret: MASKED_SECRET }] } }));
      expect(error.details).toEqual({ 'oauth2.providers.0.clientSecret': 'no stored secret to keep: send the value itself' });
    });

    // Masked secrets sent back are matched by provider name, so names must be unique.
    it('refuses two OAuth2 providers with the same name', async () => {
      const { service } = setup();
      const corp = { name: 'corp', type: 'oidc', issuer: 'https://id.example.com', clientId: 'c' };
      const error = await refusal(
        service.update({ oauth2: { providers: [{ ...corp, clientSecret: 's1' }, { ...corp, clientId: 'c2', clientSecret: 's2' }] } }),
      );
      expect(error.code).toBe('validation_failed');
    });
  });
});
