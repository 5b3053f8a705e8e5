/** Push notifications: devices, topics and messages (API.md, "Push"). */

export const PUSH_PLATFORMS = ['fcm', 'apns', 'webpush'] as const;
export type PushPlatform = (typeof PUSH_PLATFORMS)[number];

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export interface WebPushSubscription {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

export interface Device {
  id: string;
  platform: PushPlatform;
  /** The FCM registration token, the APNs device token, or the Web Push endpoint. */
  token: string;
  /** Null for a guest install. */
  userId: string | null;
  topics: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * What `POST /api/push/devices` answers. A guest install gets `deviceSecret` (once, on every
 * registration): it sends it as `X-Device-Secret` to change or delete that device later.
 */
export interface RegisteredDevice extends Device {
  deviceSecret?: string;
}

export interface RegisterDeviceRequest {
  platform: PushPlatform;
  /** Required for fcm and apns. */
  token?: string;
  /** Required for webpush. */
  subscription?: WebPushSubscription;
  topics?: string[];
}

export interface DeviceTopicsRequest {
  topics: string[];
}

export interface PushNotification {
  title: string;
  body: string;
  image?: string;
  sound?: string;
  badge?: number;
}

export interface PushTarget {
  users?: string[];
  topics?: string[];
  devices?: string[];
}

export type PushPriority = 'high' | 'normal';

export interface SendPushRequest {
  target: PushTarget;
  notification: PushNotification;
  /** String values only (FCM's rule), at most 4 KB in all. */
  data?: Record<string, string>;
  /** Seconds the providers keep an undelivered message. Default 4 weeks. */
  ttl?: number;
  priority?: PushPriority;
  collapseKey?: string;
  /** ISO 8601; in the future (at most 30 days) to schedule. */
  sendAt?: string;
  idempotencyKey?: string;
}

/** `cancelled` only ever follows `queued` (DELETE before the fan-out began). */
export type PushMessageStatus = 'queued' | 'sending' | 'done' | 'failed' | 'cancelled';

export interface PushCounts {
  targeted: number;
  sent: number;
  failed: number;
  invalidTokens: number;
}

export interface PushMessage {
  id: string;
  status: PushMessageStatus;
  counts: PushCounts;
  target: PushTarget;
  notification: PushNotification;
  data: Record<string, string> | null;
  ttl: number | null;
  priority: PushPriority;
  collapseKey: string | null;
  sendAt: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** One device's result for one message (`GET /api/push/messages/:id/deliveries`). */
export interface PushDelivery {
  deviceId: string;
  /** `sending` only while the provider request is in flight; `invalid`: the provider said the token is gone. */
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'invalid';
  attempts: number;
  /** The provider's answer for failed, invalid or retried devices. */
  error: string | null;
  updatedAt: string;
}

export interface SendPushResponse {
  id: string;
  status: PushMessageStatus;
}

export interface PushPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface VapidPublicKeyResponse {
  vapidPublicKey: string;
}
