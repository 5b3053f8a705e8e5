import type { PushNotification, PushPlatform, PushPriority, WebPushSubscription } from '@basalt/contracts';

/** What every provider sends: one message, already validated. */
export interface PushContent {
  notification: PushNotification;
  data: Record<string, string> | null;
  /** Seconds the provider keeps an undelivered message. */
  ttl: number;
  priority: PushPriority;
  collapseKey: string | null;
}

export interface PushDestination {
  /** FCM registration token, APNs device token, or the Web Push endpoint. */
  token: string;
  subscription: WebPushSubscription | null;
}

/**
 * The answer of one send. `invalid`: the provider says this token is gone for good (the device
 * is removed). `retry`: a temporary refusal (429, 5xx, network), honouring the provider's
 * Retry-After when it gave one. `failed`: a permanent refusal for this message.
 */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; reason: string };

/** One push service spoken on its real protocol. Implementations never throw from send(). */
export interface PushProvider {
  readonly platform: PushPlatform;
  send(destination: PushDestination, content: PushContent): Promise<SendOutcome>;
  close(): Promise<void>;
}

const MAX_RETRY_AFTER_MS = 3600_000;

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | null | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Math.min(MAX_RETRY_AFTER_MS, Number(v.trim()) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/** 429 and 5xx are worth another try; anything else the provider refused is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
