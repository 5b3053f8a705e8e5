import type { SettingsPatchDto } from './dto/settings.dto.js';
import { DEFAULT_SETTINGS } from './settings.defaults.js';
import { mergeGroup } from './settings.service.js';
import { create, github, google, InMemorySettingsRepository, RecordingEventBus, refusal, setup, SMTP_URL } from './testing/settings-doubles.js';

describe('mergeGroup', () => {
  it.each<[string, unknown, Record<string, unknown>, Record<string, unknown>]>([
    ['sets new keys and replaces scalars', { a: 1, b: 2 }, { b: 3, c: 4 }, { a: 1, b: 3, c: 4 }],
    ['merges nested objects key by key', { r: { max: 1, window: 60 }, s: { max: 2 } }, { r: { max: 5 } }, { r: { max: 5, window: 60 }, s: { max: 2 } }],
    ['replaces arrays whole', { list: [1, 2, 3] }, { list: [9] }, { list: [9] }],
    ['replaces an array with an object', { x: [1] }, { x: { a: 1 } }, { x: { a: 1 } }],
    ['replaces an object with an array', { x: { a: 1 } }, { x: [1] }, { x: [1] }],
    ['removes a key sent as null', { fcm: { key: 'k' }, apns: { key: 'a' } }, { fcm: null }, { apns: { key: 'a' } }],
    ['removes a nested key sent as null', { a: { b: 1, c: 2 } }, { a: { b: null } }, { a: { c: 2 } }],
    ['starts from {} when there is nothing before', null, { url: 'u' }, { url: 'u' }],
    ['starts from {} when the previous value is an array', [1, 2], { a: 1 }, { a: 1 }],
    ['keeps false, 0 and empty strings', { a: true, b: 1, c: 'x' }, { a: false, b: 0, c: '' }, { a: false, b: 0, c: '' }],
  ])('%s', (_, prev, patch, expected) => {
    expect(mergeGroup(prev, patch)).toEqual(expected);
  });

  it('changes neither input', () => {
    const prev = { a: { b: 1 }, list: [1] };
    const patch = { a: { c: 2 }, list: [2] };
    const merged = mergeGroup(prev, patch);
    (merged.a as Record<string, number>).d = 3;
    expect(prev).toEqual({ a: { b: 1 }, list: [1] });
    expect(patch).toEqual({ a: { c: 2 }, list: [2] });
  });
});

describe('SettingsService', () => {
  describe('reading', () => {
    it('answers the defaults when nothing is stored', async () => {
      const { service } = setup();
      await expect(service.get()).resolves.toEqual(DEFAULT_SETTINGS);
      await expect(service.masked()).resolves.toEqual(DEFAULT_SETTINGS);
      await expect(service.group('smtp')).resolves.toBeNull();
    });

    it('does not hand out the shared defaults object', async () => {
      const { service } = setup();
      const settings = await service.get();
      expect(settings).not.toBe(DEFAULT_SETTINGS);
      expect(settings.auth).not.toBe(DEFAULT_SETTINGS.auth);
    });

    it('merges a stored group over the defaults', async () => {
      const { repo, service } = setup();
      repo.rows.set('rateLimits', { login: { max: 3 } });
      const settings = await service.get();
      expect(settings.rateLimits).toEqual({ ...DEFAULT_SETTINGS.rateLimits, login: { ...DEFAULT_SETTINGS.rateLimits.login, max: 3 } });
      expect(settings.auth).toEqual(DEFAULT_SETTINGS.auth);
    });

    it('reads the repository once and serves later reads from the cache', async () => {
      const { repo, service } = setup();
      await Promise.all([service.get(), service.get(), service.group('auth')]);
      await service.masked();
      expect(repo.reads).toBe(1);
    });

    it('does not cache a failed read', async () => {
      const { repo, service } = setup();
      repo.failNextRead = true;
      await expect(service.get()).rejects.toThrow('connection lost');
      await expect(service.get()).resolves.toEqual(DEFAULT_SETTINGS);
      expect(repo.reads).toBe(2);
    });
  });

  describe('settings.changed', () => {
    it('drops the cache, so the next read sees what another node saved', async () => {
      const { repo, events, service } = setup();
      expect((await service.group('auth')).allowSignup).toBe(true);
      repo.rows.set('auth', { ...DEFAULT_SETTINGS.auth, allowSignup: false });
      expect((await service.group('auth')).allowSignup).toBe(true);
      expect(repo.reads).toBe(1);

      await events.deliver('settings.changed', { keys: ['auth'] });

      expect((await service.group('auth')).allowSignup).toBe(false);
      expect(repo.reads).toBe(2);
    });

    it('is only listened to once the module starts', async () => {
      const repo = new InMemorySettingsRepository();
      const events = new RecordingEventBus();
      const { service } = create(repo, events);
      await service.get();
      await events.deliver('settings.changed', { keys: ['auth'] });
      await service.get();
      expect(repo.reads).toBe(1);
    });
  });

  describe('update', () => {
    it('merges the patch over the stored group, saves the whole group and announces it', async () => {
      const { repo, events, service } = setup();
      const answer = await service.update({ auth: { allowSignup: false } });
      const auth = { ...DEFAULT_SETTINGS.auth, allowSignup: false };
      expect(answer.auth).toEqual(auth);
      expect([...repo.rows.keys()]).toEqual(['auth']);
      expect(repo.rows.get('auth')).toEqual(auth);
      expect(events.published).toEqual([{ name: 'settings.changed', payload: { keys: ['auth'] } }]);

      await service.update({ auth: { passwordMinLength: 12 } });
      expect(repo.rows.get('auth')).toEqual({ ...auth, passwordMinLength: 12 });
      await expect(service.group('auth')).resolves.toEqual({ ...auth, passwordMinLength: 12 });
    });

    it('merges nested objects and names every changed group in the event', async () => {
      const { events, service } = setup();
      await service.update({ rateLimits: { login: { max: 3 } }, auth: { allowAnonymous: false } });
      const settings = await service.get();
      expect(settings.rateLimits.login).toEqual({ ...DEFAULT_SETTINGS.rateLimits.login, max: 3 });
      expect(settings.rateLimits.signup).toEqual(DEFAULT_SETTINGS.rateLimits.signup);
      expect(events.published.map((e) => e.payload)).toEqual([{ keys: ['auth', 'rateLimits'] }]);
    });

    it('replaces the OAuth2 provider list instead of merging it', async () => {
      const { service } = setup();
      await service.update({ oauth2: { providers: [github, google] } });
      await service.update({ oauth2: { providers: [{ ...google, clientSecret: 'new' }] } });
      expect((await service.get()).oauth2.providers).toEqual([{ ...google, clientSecret: 'new' }]);
    });

    it('reloads after its own update without waiting for the event', async () => {
      const { service } = setup();
      await service.get();
      await service.update({ auth: { allowSignup: false } });
      expect((await service.group('auth')).allowSignup).toBe(false);
    });

    it.each<[string, SettingsPatchDto, Record<string, string | RegExp>]>([
      ['a TTL below the minimum', { auth: { accessTokenTtl: 5 } }, { 'auth.accessTokenTtl': /not be less than 60/ }],
      ['a flag that is not a boolean', { auth: { allowSignup: 'yes' } }, { 'auth.allowSignup': /boolean/ }],
      ['an unknown field', { auth: { allowSigup: false } }, { 'auth.allowSigup': /should not exist/ }],
      ['a nested rule out of range', { rateLimits: { login: { max: 0 } } }, { 'rateLimits.login.max': /not be less than 1/ }],
      ['an SMTP URL of another scheme', { smtp: { url: 'http://mail', from: 'a@b.c' } }, { 'smtp.url': 'must be an smtp:// or smtps:// URL' }],
      ['SMTP without its URL', { smtp: { from: 'a@b.c' } }, { 'smtp.url': /smtp:\/\// }],
      ['a bad provider name', { oauth2: { providers: [{ ...github, name: 'Git Hub' }] } }, { 'oauth2.providers.0.name': /lowercase/ }],
      ['a provider without a secret', { oauth2: { providers: [{ ...github, clientSecret: undefined }] } }, { 'oauth2.providers.0.clientSecret': /string|characters/ }],
      ['a bad web push subject', { push: { webpush: { vapidPublicKey: 'p', vapidPrivateKey: 'k', subject: 'me' } } }, { 'push.webpush.subject': /mailto:/ }],
      ['a group sent as null', { auth: null } as unknown as SettingsPatchDto, { auth: 'must be an object' }],
      [
        'problems in several groups',
        { auth: { accessTokenTtl: 5 }, rateLimits: { signup: { windowSeconds: 0 } }, push: {} },
        { 'auth.accessTokenTtl': /60/, 'rateLimits.signup.windowSeconds': /1/ },
      ],
    ])('refuses %s, naming group.field, and saves nothing', async (_, patch, expected) => {
      const { repo, events, service } = setup();
      const error = await refusal(service.update(patch));
      expect(error.code).toBe('validation_failed');
      expect(Object.keys(error.details ?? {}).sort()).toEqual(Object.keys(expected).sort());
      for (const [field, problem] of Object.entries(expected)) expect(error.details?.[field]).toMatch(problem);
      expect(repo.written).toEqual([]);
      expect(events.published).toEqual([]);
    });

    it('refuses a patch that names no group', async () => {
      const { repo, service } = setup();
      const error = await refusal(service.update({}));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual({ body: 'name at least one settings group' });
      expect(repo.written).toEqual([]);
    });

    it('removes SMTP when sent null', async () => {
      const { repo, events, service } = setup();
      await service.update({ smtp: { url: SMTP_URL, from: 'Basalt <a@b.c>' } });
      await service.update({ smtp: null });
      expect(repo.rows.get('smtp')).toBeNull();
      await expect(service.group('smtp')).resolves.toBeNull();
      expect(events.published.at(-1)).toEqual({ name: 'settings.changed', payload: { keys: ['smtp'] } });
    });
  });

  describe('applying SMTP settings to the mail service', () => {
    const smtp = { url: SMTP_URL, from: 'Basalt <a@b.c>' };

    it('applies the stored SMTP settings, decrypted, at bootstrap', async () => {
      const { service, mail } = setup();
      await service.update({ smtp });
      await service.onApplicationBootstrap();
      expect(mail.applied).toEqual([smtp]);
    });

    it('applies null at bootstrap when no SMTP is stored', async () => {
      const { service, mail } = setup();
      await service.onApplicationBootstrap();
      expect(mail.applied).toEqual([null]);
    });

    it('applies a change, and a removal, when settings.changed arrives', async () => {
      const { events, service, mail } = setup();
      await service.update({ smtp });
      await events.deliverPublished();
      await service.update({ smtp: null });
      await events.deliverPublished();
      expect(mail.applied).toEqual([smtp, null]);
    });

    it('logs, and does not throw, when the stored secrets cannot be opened (BASALT_SECRET changed)', async () => {
      const { repo, service: writer } = setup();
      await writer.update({ smtp });
      const { service, mail, log } = create(repo, new RecordingEventBus(), 'y'.repeat(32));
      await expect(service.onApplicationBootstrap()).resolves.toBeUndefined();
      expect(mail.applied).toEqual([]);
      expect(log.errors).toHaveLength(1);
      expect(log.errors[0]!.message).toMatch(/BASALT_SECRET/);
      // node:crypto's error comes from outside Jest's realm, so it is checked by shape, not instanceof.
      expect((log.errors[0]!.fields as { err: Error }).err.message).toMatch(/authenticate/);
      await expect(service.get()).rejects.toThrow();
    });
  });
});
