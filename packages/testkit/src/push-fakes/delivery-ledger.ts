/** A reply a fake is told to give instead of accepting: e.g. `{ status: 503, retryAfterSeconds: 1 }`. */
export interface ScriptedReply {
  status: number;
  retryAfterSeconds?: number;
  /** The provider's error reason (APNs `reason`, FCM `errorCode`). */
  reason?: string;
}

export interface Delivery {
  /** The token or endpoint id the message was for. */
  key: string;
  /** What the device would show: the parsed JSON body (FCM, APNs) or the decrypted plaintext (Web Push). */
  payload: unknown;
  at: number;
}

/**
 * What a fake provider accepted, per token; scripted refusals; tokens that are gone; and requests it
 * refused because they were not what the real provider accepts (bad auth, headers, encryption).
 */
export class DeliveryLedger {
  readonly deliveries: Delivery[] = [];
  /** Requests refused for a protocol or auth error: a correct client makes none. */
  readonly rejections: Array<{ key: string; reason: string }> = [];
  /** Every request that reached the send endpoint, refused or not. */
  requests = 0;
  /** Milliseconds each send waits before answering, to keep requests in flight. */
  delayMs = 0;
  private readonly counts = new Map<string, number>();
  private readonly scripts = new Map<string, ScriptedReply[]>();
  private readonly gone = new Set<string>();

  /** The next sends to `key` get these replies, in order; later ones are accepted again. */
  script(key: string, ...replies: ScriptedReply[]): void {
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...replies]);
  }

  /** From now on the provider says `key` is no longer registered. */
  unregister(key: string): void {
    this.gone.add(key);
  }

  /** How this send is answered: gone, a scripted refusal, or null to accept. */
  take(key: string): 'gone' | ScriptedReply | null {
    if (this.gone.has(key)) return 'gone';
    const queue = this.scripts.get(key);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.scripts.delete(key);
    return next ?? null;
  }

  reject(key: string, reason: string): void {
    this.rejections.push({ key, reason });
  }

  record(key: string, payload: unknown): void {
    this.deliveries.push({ key, payload, at: Date.now() });
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Accepted deliveries to `key`. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Accepted deliveries in all. */
  get total(): number {
    return this.deliveries.length;
  }

  async pause(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
  }
}
