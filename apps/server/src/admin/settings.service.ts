import { MASKED_SECRET, type Settings } from '@basalt/contracts';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppConfig } from '../config/app-config.js';
import { AppError, Errors } from '../common/app-error.js';
import { LOGGER } from '../common/logger.js';
import { decryptString, deriveKey, encryptString } from '../common/secrets.js';
import { flattenValidationErrors } from '../common/validation.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { MailService } from '../infra/mail/mail.service.js';
import { SETTINGS_GROUP_DTOS, type SettingsPatchDto } from './dto/settings.dto.js';
import { DEFAULT_SETTINGS, SECRET_PATHS, SETTINGS_GROUPS, type SettingsGroup } from './settings.defaults.js';
import { mapSecrets, maskSecrets } from './settings-secrets.js';
import { SettingsRepository } from './settings.repository.js';

/**
 * Settings admins change at runtime. Read from a per-process cache that every node drops when
 * any node publishes `settings.changed`. Secrets are encrypted at rest with a key derived from
 * BASALT_SECRET and never leave through the API.
 */
@Injectable()
export class SettingsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly key: Buffer;
  private cache?: Promise<Settings>;

  constructor(
    private readonly repo: SettingsRepository,
    private readonly events: EventBus,
    private readonly mail: MailService,
    config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.key = deriveKey(config.secret, 'settings');
  }

  onModuleInit(): void {
    this.events.subscribe('settings.changed', async () => {
      this.cache = undefined;
      await this.applyToInfra();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.applyToInfra();
  }

  /** Settings that infra acts on directly (the SMTP transport), on every node. Never fatal: reads report the problem. */
  private async applyToInfra(): Promise<void> {
    try {
      this.mail.useSmtpSettings((await this.get()).smtp);
    } catch (err) {
      this.log.error({ err }, 'could not apply stored settings (was BASALT_SECRET changed?)');
    }
  }

  /** Decrypted, for features that use the values. */
  async get(): Promise<Settings> {
    this.cache ??= this.load().catch((e) => {
      this.cache = undefined;
      throw e;
    });
    return this.cache;
  }

  async group<G extends SettingsGroup>(group: G): Promise<Settings[G]> {
    return (await this.get())[group];
  }

  /** For the API: secrets masked. */
  async masked(): Promise<Settings> {
    const settings = await this.get();
    const out = { ...settings } as Record<SettingsGroup, unknown>;
    for (const g of SETTINGS_GROUPS) out[g] = maskSecrets(settings[g], SECRET_PATHS[g]);
    return out as unknown as Settings;
  }

  async update(patch: SettingsPatchDto): Promise<Settings> {
    const current = await this.load();
    const next = new Map<SettingsGroup, unknown>();
    const problems: Record<string, string> = {};
    for (const group of SETTINGS_GROUPS) {
      const groupPatch = patch[group];
      if (groupPatch === undefined) continue;
      if (groupPatch === null && group !== 'smtp') {
        problems[group] = 'must be an object';
        continue;
      }
      const merged = groupPatch === null ? null : restoreMaskedSecrets(group, mergeGroup(current[group], groupPatch), current[group]);
      if (merged !== null) Object.assign(problems, await validateGroup(group, merged));
      next.set(group, merged);
    }
    if (Object.keys(problems).length) throw Errors.validation(problems);
    if (next.size === 0) throw new AppError('validation_failed', 'body: nothing to change', { body: 'name at least one settings group' });
    const sealed = new Map<string, unknown>();
    for (const [group, value] of next) sealed.set(group, mapSecrets(value, SECRET_PATHS[group], (v) => (typeof v === 'string' ? encryptString(this.key, v) : v)));
    await this.repo.save(sealed);
    this.cache = undefined;
    await this.events.publish('settings.changed', { keys: [...next.keys()] });
    return this.masked();
  }

  private async load(): Promise<Settings> {
    const stored = await this.repo.all();
    const settings = structuredClone(DEFAULT_SETTINGS) as unknown as Record<SettingsGroup, unknown>;
    for (const group of SETTINGS_GROUPS) {
      if (!stored.has(group)) continue;
      const opened = mapSecrets(stored.get(group), SECRET_PATHS[group], (v) => (typeof v === 'string' ? decryptString(this.key, v) : v));
      settings[group] = group === 'smtp' || opened === null ? opened : mergeGroup(settings[group], opened as Record<string, unknown>);
    }
    return settings as unknown as Settings;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key, arrays and scalars replace, null removes an optional sub-object. */
export function mergeGroup(prev: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const base = isPlainObject(prev) ? { ...prev } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else if (isPlainObject(v) && isPlainObject(base[k])) base[k] = mergeGroup(base[k], v);
    else base[k] = v;
  }
  return base;
}

/** A masked value sent back means "keep what is stored" (OAuth2 providers are matched by name). */
function restoreMaskedSecrets(group: SettingsGroup, next: Record<string, unknown>, prev: unknown): Record<string, unknown> {
  return mapSecrets(next, SECRET_PATHS[group], (value, trail) => {
    if (value !== MASKED_SECRET) return value;
    let old: unknown = prev;
    for (const step of trail) {
      if (typeof step === 'number') {
        const name = (next.providers as Array<{ name?: string }>)[step]?.name;
        old = Array.isArray(old) ? old.find((p: { name?: string } | null) => p?.name === name) : undefined;
      } else {
        old = isPlainObject(old) ? old[step as string] : undefined;
      }
    }
    return typeof old === 'string' ? old : value;
  }) as Record<string, unknown>;
}

async function validateGroup(group: SettingsGroup, value: unknown): Promise<Record<string, string>> {
  const dto = plainToInstance(SETTINGS_GROUP_DTOS[group] as new () => object, value);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  const details = flattenValidationErrors(errors, group);
  mapSecrets(value, SECRET_PATHS[group], (v, trail) => {
    if (v === MASKED_SECRET) details[[group, ...trail].join('.')] = 'no stored secret to keep: send the value itself';
    return v;
  });
  return details;
}
