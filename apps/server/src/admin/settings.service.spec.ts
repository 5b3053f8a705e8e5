import { MASKED_SECRET, type EventName, type EventPayload, type Settings } from '@basalt/contracts';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { decryptString, deriveKey } from '../common/secrets.js';
import type { AppConfig } from '../config/app-config.js';
import { EventBus, type EventHandler } from '../infra/events/event-bus.port.js';
import type { MailService, SmtpSettings } from '../infra/mail/mail.service.js';
import type { SettingsPatchDto } from './dto/settings.dto.js';
import { DEFAULT_SETTINGS } from './settings.defaults.js';
import type { SettingsRepository } from './settings.repository.js';
import { mergeGroup, SettingsService } from './settings.service.js';

const SECRET = 'x'.repeat(32);
const SMTP_URL = 'smtps://mailer:p4ssw0rd-plain@mail.example.com:465';

/** The basalt.settings table: one JSON value per group, JSON round-tripped like the jsonb column. */
class InMemorySettingsRepository implements Pick<SettingsRepository, 'all' | 'save'> {
  readonly rows = new Map<string, unknown>();
  /** Everything ever handed to save(), as the JSON text the database would receive. */
  readonly written: string[] = [];
  reads = 0;
  failNextRead = false;

  async all(): Promise<Map<string, unknown>> {
    this.reads++;
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('connection lost');
    }
    return new Map([...this.rows].map(([k, v]) => [k, JSON.parse(JSON.stringify(v))]));
  }

  async save(values: Map<string, unknown>): Promise<void> {
    for (const [key, value] of values) {
      const json = JSON.stringify(value);
      this.written.push(json);
      this.rows.set(key, JSON.parse(json));
    }
  }
}

/** Records publishes; delivers only when a test says so, as another node's publish would arrive. */
class RecordingEventBus extends EventBus {
  readonly published: Array<{ name: EventName; payload: unknown }> = [];
  private readonly handlers = new Map<EventName, Set<(payload: unknown) => void | Promise<void>>>();

  override async publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    this.published.push({ name, payload });
  }

  override subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void {
    const set = this.handlers.get(name) ?? new Set();
    this.handlers.set(name, set);
    const h = handler as (payload: unknown) => void | Promise<void>;
    set.add(h);
    return () => set.delete(h);
  }

  async deliver<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    for (const h of this.handlers.get(name) ?? []) await h(JSON.parse(JSON.stringify(payload)));
  }

  override async ping(): Promise<void> {}
  override async close(): Promise<void> {}

  private deliveredCount = 0;

  /** Delivers what this node published since the last call, as both real drivers also do (on a later turn). */
  async deliverPublished(): Promise<void> {
    for (const { name, payload } of this.published.slice(this.deliveredCount)) {
      this.deliveredCount++;
      await this.deliver(name, payload as EventPayload<typeof name>);
    }
  }
}

/** The one MailService method the settings service calls. */
class RecordingMailService implements Pick<MailService, 'useSmtpSettings'> {
  readonly applied: Array<SmtpSettings | null> = [];
  useSmtpSettings(smtp: SmtpSettings | null): void {
    this.applied.push(smtp);
  }
}

/** The one Logger method the settings service calls. */
class RecordingLogger {
  readonly errors: Array<{ fields: unknown; message?: string }> = [];
  error(fields: unknown, message?: string): void {
    this.errors.push({ fields, message });
  }
}

function create(repo: InMemorySettingsRepository, events: RecordingEventBus, secret = SECRET) {
  const mail = new RecordingMailService();
  const log = new RecordingLogger();
  const service = new SettingsService(
    repo as unknown as SettingsRepository,
    events,
    mail as unknown as MailService,
    { secret } as AppConfig,
    log as unknown as Logger,
  );
  return { service, mail, log };
}

function setup() {
  const repo = new InMemorySettingsRepository();
  const events = new RecordingEventBus();
  const { service, mail, log } = create(repo, events);
  service.onModuleInit();
  return { repo, events, service, mail, log };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the update to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const github = { name: 'github', type: 'github', clientId: 'gh-id', clientSecret: 'gh-secret-plain' };
const google = { name: 'google', type: 'google', clientId: 'go-id', clientSecret: 'go-secret-plain' };

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
