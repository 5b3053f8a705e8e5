import type { Device, Principal, PushPage, RegisteredDevice, WebPushSubscription } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError, Errors } from '../../common/app-error.js';
import { uuidv7 } from '../../common/ids.js';
import { randomToken, safeEqual, sha256Hex } from '../../common/secrets.js';
import { decodePageCursor, pageOf } from '../page-cursor.js';
import { PushErrors } from '../push.errors.js';
import type { ListDevicesQueryDto, RegisterDeviceDto } from './dto/register-device.dto.js';
import { toDevice } from './devices.mapper.js';
import { type DeviceRow, DevicesRepository } from './devices.repository.js';

const APNS_TOKEN = /^[0-9a-fA-F]{64,200}$/;

/**
 * Devices belong to the signed-in user who registered them, or to a guest install that proves
 * itself with the device secret it was given. Registering a token again (any caller) moves the
 * device to that caller: the token is held by the app on the device, so whoever holds it is the device.
 */
@Injectable()
export class DevicesService {
  constructor(private readonly repo: DevicesRepository) {}

  async register(principal: Principal, dto: RegisterDeviceDto): Promise<{ device: RegisteredDevice; created: boolean }> {
    if (principal.kind === 'admin' || principal.kind === 'apiKey') throw Errors.forbidden('devices are registered by app installs: a signed-in user or a guest');
    const { token, subscription } = targetOf(dto);
    const secret = principal.kind === 'guest' ? randomToken(32) : null;
    const { row, created } = await this.repo.upsert({
      id: uuidv7(),
      platform: dto.platform,
      token,
      subscription,
      topics: dto.topics ?? null,
      owner: { userId: principal.kind === 'user' ? principal.id! : null, secretHash: secret === null ? null : sha256Hex(secret) },
    });
    return { device: { ...toDevice(row), ...(secret !== null && { deviceSecret: secret }) }, created };
  }

  async setTopics(principal: Principal, id: string, topics: string[], deviceSecret: string | undefined): Promise<Device> {
    await this.owned(principal, id, deviceSecret);
    return toDevice(await this.repo.setTopics(id, topics));
  }

  async delete(principal: Principal, id: string, deviceSecret: string | undefined): Promise<void> {
    await this.owned(principal, id, deviceSecret);
    if (!(await this.repo.delete(id))) throw PushErrors.deviceNotFound();
  }

  async get(principal: Principal, id: string, deviceSecret: string | undefined): Promise<Device> {
    return toDevice(await this.owned(principal, id, deviceSecret));
  }

  /** Users see their own devices; admins see all (optionally filtered). */
  async list(principal: Principal, q: ListDevicesQueryDto): Promise<PushPage<Device>> {
    if (principal.kind === 'guest') throw Errors.unauthorized('sign in first');
    if (principal.kind === 'apiKey') throw Errors.forbidden('admins only');
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw Errors.validation({ limit: 'must be an integer from 1 to 500' });
    const userId = principal.kind === 'user' ? principal.id : q.userId;
    const rows = await this.repo.list({ userId, topic: q.topic, platform: q.platform, afterId: decodePageCursor(q.cursor), limit });
    const page = pageOf(rows, limit);
    return { items: page.items.map(toDevice), nextCursor: page.nextCursor };
  }

  /** The device if the caller may change it; 404 otherwise, so ids cannot be probed. */
  private async owned(principal: Principal, id: string, deviceSecret: string | undefined): Promise<DeviceRow> {
    const row = await this.repo.get(id);
    if (principal.kind === 'admin') {
      if (!row) throw PushErrors.deviceNotFound();
      return row;
    }
    if (principal.kind === 'apiKey') throw Errors.forbidden('devices are changed by their owner or an admin');
    if (principal.kind === 'user') {
      if (!row || row.userId !== principal.id) throw PushErrors.deviceNotFound();
      return row;
    }
    if (deviceSecret === undefined || deviceSecret === '') throw PushErrors.guestSecretRequired();
    if (!row || row.userId !== null || row.secretHash === null || !safeEqual(Buffer.from(row.secretHash), Buffer.from(sha256Hex(deviceSecret)))) {
      throw PushErrors.deviceNotFound();
    }
    return row;
  }
}

/** The provider address of a registration: a token for FCM and APNs, a subscription (its endpoint is the token) for Web Push. */
function targetOf(dto: RegisterDeviceDto): { token: string; subscription: WebPushSubscription | null } {
  if (dto.platform === 'webpush') {
    if (!dto.subscription) throw Errors.validation({ subscription: 'is required for webpush' });
    if (dto.token !== undefined) throw Errors.validation({ token: 'must not be sent for webpush (the subscription endpoint is the token)' });
    const { endpoint, keys } = dto.subscription;
    const p256dh = Buffer.from(keys.p256dh, 'base64url');
    if (p256dh.length !== 65 || p256dh[0] !== 0x04) throw Errors.validation({ 'subscription.keys.p256dh': 'must be an uncompressed P-256 public key (65 bytes)' });
    if (Buffer.from(keys.auth, 'base64url').length !== 16) throw Errors.validation({ 'subscription.keys.auth': 'must be 16 bytes' });
    return { token: endpoint, subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } };
  }
  if (dto.subscription !== undefined) throw Errors.validation({ subscription: `must not be sent for ${dto.platform}` });
  if (!dto.token) throw Errors.validation({ token: `is required for ${dto.platform}` });
  if (dto.platform === 'apns' && !APNS_TOKEN.test(dto.token)) throw new AppError('validation_failed', 'token: must be the hex APNs device token', { token: 'must be the hex APNs device token' });
  return { token: dto.token, subscription: null };
}
