/**
 * A token bucket per socket: `perSecond` messages a second on average, bursts up to `burst`.
 * In memory on purpose: a socket lives on one node, so its budget does too.
 */
export class MessageRate {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token; false when the socket is over its budget. */
  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
