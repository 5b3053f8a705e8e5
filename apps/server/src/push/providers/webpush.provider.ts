import webpush from 'web-push';
import { ExpiringCache } from '../../common/expiring-cache.js';
import { errorMessage, isRetryableStatus, parseRetryAfter, type PushContent, type PushDestination, type PushProvider, type SendOutcome } from './push-provider.js';

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** A VAPID JWT's lifetime (web-push's default; RFC 8292 allows up to 24 h). */
const VAPID_LIFETIME_S = 12 * 3600;
/** A kept JWT is signed again once it has less than this left. */
const VAPID_RENEW_BEFORE_S = 3600;
/** Push services are a handful of origins; endpoints are the clients' choice, so the cache is bounded. */
const VAPID_MAX_AUDIENCES = 1000;
/** RFC 8030 Topic: at most 32 URL-safe base64 characters. */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** Web Push: VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291), through the `web-push` package. */
export class WebPushProvider implements PushProvider {
  readonly platform = 'webpush';
  private readonly authorizations: VapidAuthorizations;

  constructor(vapid: VapidDetails) {
    this.authorizations = new VapidAuthorizations(vapid);
  }

  async send(destination: PushDestination, content: PushContent): Promise<SendOutcome> {
    if (!destination.subscription) return { kind: 'failed', reason: 'webpush: the device has no subscription' };
    const payload = JSON.stringify({ notification: content.notification, data: content.data ?? {} });
    try {
      await webpush.sendNotification(destination.subscription, payload, {
        // Signed per push service here, not per message by web-push (no vapidDetails: it signs none).
        headers: { Authorization: this.authorizations.for(destination.subscription.endpoint) },
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

/**
 * The VAPID `Authorization` header per push service origin (the JWT's audience), kept until it
 * nears expiry: signing one costs ~0.4 ms (web-push encodes the key as PEM and OpenSSL decodes it
 * each time), which was a third of a message's CPU when every message signed its own.
 */
export class VapidAuthorizations {
  /** Headers by audience, used until their JWT has less than VAPID_RENEW_BEFORE_S left. */
  private readonly byAudience: ExpiringCache<string, string>;

  constructor(
    private readonly vapid: VapidDetails,
    private readonly nowSeconds = () => Math.floor(Date.now() / 1000),
  ) {
    this.byAudience = new ExpiringCache((VAPID_LIFETIME_S - VAPID_RENEW_BEFORE_S) * 1000, VAPID_MAX_AUDIENCES, () => this.nowSeconds() * 1000);
  }

  for(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const kept = this.byAudience.get(audience);
    if (kept !== undefined) return kept;
    const { subject, publicKey, privateKey } = this.vapid;
    const header = webpush.getVapidHeaders(audience, subject, publicKey, privateKey, 'aes128gcm', this.nowSeconds() + VAPID_LIFETIME_S).Authorization;
    this.byAudience.set(audience, header);
    return header;
  }
}
