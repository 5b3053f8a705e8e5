import webpush from 'web-push';
import { errorMessage, isRetryableStatus, parseRetryAfter, type PushContent, type PushDestination, type PushProvider, type SendOutcome } from './push-provider.js';

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** RFC 8030 Topic: at most 32 URL-safe base64 characters. */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** Web Push: VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291), through the `web-push` package. */
export class WebPushProvider implements PushProvider {
  readonly platform = 'webpush';

  constructor(private readonly vapid: VapidDetails) {}

  async send(destination: PushDestination, content: PushContent): Promise<SendOutcome> {
    if (!destination.subscription) return { kind: 'failed', reason: 'webpush: the device has no subscription' };
    const payload = JSON.stringify({ notification: content.notification, data: content.data ?? {} });
    try {
      await webpush.sendNotification(destination.subscription, payload, {
        vapidDetails: this.vapid,
        TTL: content.ttl,
        urgency: content.priority === 'high' ? 'high' : 'normal',
        ...(content.collapseKey && TOPIC.test(content.collapseKey) && { topic: content.collapseKey }),
        contentEncoding: 'aes128gcm',
        timeout: REQUEST_TIMEOUT_MS,
      });
      return { kind: 'sent' };
    } catch (e) {
      if (e instanceof webpush.WebPushError) {
        const reason = `webpush ${e.statusCode} ${e.body ?? ''}`.trim().slice(0, 300);
        if (e.statusCode === 404 || e.statusCode === 410) return { kind: 'invalid', reason };
        if (isRetryableStatus(e.statusCode)) return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(e.headers?.['retry-after']) };
        return { kind: 'failed', reason };
      }
      return { kind: 'retry', reason: `webpush: ${errorMessage(e)}` };
    }
  }

  async close(): Promise<void> {}
}
