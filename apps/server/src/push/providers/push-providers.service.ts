import type { PushPlatform, PushSettings } from '@basalt/contracts';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import webpush from 'web-push';
import { SettingsService } from '../../admin/settings.service.js';
import { LOGGER } from '../../common/logger.js';
import { AppConfig } from '../../config/app-config.js';
import { APNS_PRODUCTION_URL, APNS_SANDBOX_URL, ApnsProvider, parseApnsKey } from './apns.provider.js';
import { FCM_DEFAULT_BASE_URL, FcmProvider, parseServiceAccount } from './fcm.provider.js';
import type { PushProvider } from './push-provider.js';
import { Semaphore } from './semaphore.js';
import { WebPushProvider } from './webpush.provider.js';

/** Requests in flight per provider in one process: what a provider sees from one worker, and the duplicate bound after a crash. */
export const PROVIDER_CONCURRENCY = 16;

export type ProviderLookup = { provider: PushProvider; limiter: Semaphore } | { error: string };

/**
 * The providers configured in the `push` settings. Each is rebuilt only when its settings change,
 * so cached OAuth2 access tokens, APNs provider tokens and HTTP/2 connections are reused.
 */
@Injectable()
export class PushProviders implements OnApplicationShutdown {
  private readonly built = new Map<PushPlatform, { key: string; provider: PushProvider }>();
  private readonly limiters = new Map<PushPlatform, Semaphore>();
  private vapidPending?: Promise<string>;

  constructor(
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async get(platform: PushPlatform): Promise<ProviderLookup> {
    if (platform === 'webpush') await this.vapidPublicKey();
    const push = await this.settings.group('push');
    const section = push[platform];
    if (!section) return { error: `${platform} is not configured (PATCH /api/admin/settings push.${platform})` };
    const key = JSON.stringify(section);
    const current = this.built.get(platform);
    if (current?.key !== key) {
      let provider: PushProvider;
      try {
        provider = build(platform, push);
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
      this.built.set(platform, { key, provider });
      void current?.provider.close();
    }
    let limiter = this.limiters.get(platform);
    if (!limiter) this.limiters.set(platform, (limiter = new Semaphore(PROVIDER_CONCURRENCY)));
    return { provider: this.built.get(platform)!.provider, limiter };
  }

  /**
   * The VAPID public key browsers subscribe with. Generated (and stored, private key encrypted) the
   * first time it is needed when no admin set one. Two nodes racing on a fresh install may both
   * generate; the last write wins, so clients should fetch the key after the server is up.
   */
  async vapidPublicKey(): Promise<string> {
    const current = (await this.settings.group('push')).webpush;
    if (current) return current.vapidPublicKey;
    this.vapidPending ??= this.generateVapid().finally(() => {
      this.vapidPending = undefined;
    });
    return this.vapidPending;
  }

  private async generateVapid(): Promise<string> {
    const again = (await this.settings.group('push')).webpush;
    if (again) return again.vapidPublicKey;
    const keys = webpush.generateVAPIDKeys();
    const subject = this.config.bootstrapAdmin ? `mailto:${this.config.bootstrapAdmin.email}` : this.config.http.publicUrl.startsWith('https://') ? this.config.http.publicUrl : 'mailto:webpush@localhost';
    await this.settings.update({ push: { webpush: { vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey, subject } } });
    this.log.info('generated VAPID keys for Web Push');
    return keys.publicKey;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.built.values()].map((b) => b.provider.close()));
  }
}

function build(platform: PushPlatform, push: PushSettings): PushProvider {
  switch (platform) {
    case 'fcm':
      return new FcmProvider(parseServiceAccount(push.fcm!.serviceAccount), push.fcm!.baseUrl ?? FCM_DEFAULT_BASE_URL);
    case 'apns': {
      const a = push.apns!;
      return new ApnsProvider({
        key: parseApnsKey(a.keyP8),
        keyId: a.keyId,
        teamId: a.teamId,
        bundleId: a.bundleId,
        baseUrl: a.baseUrl ?? (a.production ? APNS_PRODUCTION_URL : APNS_SANDBOX_URL),
      });
    }
    case 'webpush': {
      const w = push.webpush!;
      return new WebPushProvider({ subject: w.subject, publicKey: w.vapidPublicKey, privateKey: w.vapidPrivateKey });
    }
  }
}
