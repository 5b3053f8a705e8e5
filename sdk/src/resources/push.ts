import type { Device, PushPage, RegisterDeviceRequest, RegisteredDevice, VapidPublicKeyResponse, WebPushSubscription } from '@basalt/contracts';
import type { AuthStorage } from '../auth/storage';
import type { Http } from '../http';

interface PushManagerLike {
  subscribe(opts: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }): Promise<{ toJSON(): unknown }>;
  getSubscription?(): Promise<{ toJSON(): unknown } | null>;
}

/**
 * `basalt.push`: this install's device registration, for users and guests. A guest install gets a
 * device secret from the server at registration; the SDK keeps it (in the auth storage) and sends
 * it as `X-Device-Secret` when that device is changed or removed later.
 */
export class PushClient {
  constructor(
    private readonly http: Http,
    private readonly storage: AuthStorage,
    private readonly secretsKey: string,
  ) {}

  /** Registers (or updates, by token) this device. */
  async register(device: RegisterDeviceRequest): Promise<RegisteredDevice> {
    const { data } = await this.http.request<RegisteredDevice>('/api/push/devices', { method: 'POST', body: device });
    if (data.deviceSecret) await this.saveSecret(data.id, data.deviceSecret);
    return data;
  }

  /** The caller's devices (a user's; an admin sees all). */
  async list(opts: { limit?: number; cursor?: string } = {}): Promise<PushPage<Device>> {
    return (await this.http.request<PushPage<Device>>('/api/push/devices', { query: opts })).data;
  }

  async get(deviceId: string): Promise<Device> {
    return (await this.http.request<Device>(`/api/push/devices/${encodeURIComponent(deviceId)}`, { headers: await this.secretHeader(deviceId) })).data;
  }

  async unregister(deviceId: string): Promise<void> {
    await this.http.request(`/api/push/devices/${encodeURIComponent(deviceId)}`, { method: 'DELETE', headers: await this.secretHeader(deviceId) });
    await this.saveSecret(deviceId, null);
  }

  /** Replaces the device's topics. */
  async setTopics(deviceId: string, topics: string[]): Promise<Device> {
    const path = `/api/push/devices/${encodeURIComponent(deviceId)}/topics`;
    return (await this.http.request<Device>(path, { method: 'PUT', body: { topics }, headers: await this.secretHeader(deviceId) })).data;
  }

  /** The server's VAPID public key (base64url), for PushManager.subscribe. */
  async vapidPublicKey(): Promise<string> {
    return (await this.http.request<VapidPublicKeyResponse>('/api/push/webpush/key', { auth: 'none' })).data.vapidPublicKey;
  }

  /**
   * Browsers: subscribes `registration.pushManager` (a ServiceWorkerRegistration's) with the server's
   * VAPID key, reusing an existing subscription, and registers it as a `webpush` device.
   */
  async registerWebPush(registration: { pushManager: PushManagerLike }, opts: { topics?: string[] } = {}): Promise<RegisteredDevice> {
    const existing = await registration.pushManager.getSubscription?.();
    const sub = existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(await this.vapidPublicKey()) }));
    return this.register({ platform: 'webpush', subscription: sub.toJSON() as WebPushSubscription, ...(opts.topics ? { topics: opts.topics } : {}) });
  }

  private async secrets(): Promise<Record<string, string>> {
    try {
      return JSON.parse((await this.storage.getItem(this.secretsKey)) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  }

  private async saveSecret(deviceId: string, secret: string | null): Promise<void> {
    const all = await this.secrets();
    if (secret) all[deviceId] = secret;
    else if (deviceId in all) delete all[deviceId];
    else return;
    await this.storage.setItem(this.secretsKey, JSON.stringify(all));
  }

  private async secretHeader(deviceId: string): Promise<Record<string, string> | undefined> {
    const secret = (await this.secrets())[deviceId];
    return secret ? { 'x-device-secret': secret } : undefined;
  }
}

export function base64UrlToBytes(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const raw = atob(base64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
