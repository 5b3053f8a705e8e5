/**
 * What a node trusts for a few seconds instead of asking the database on every request (is this
 * session active, does this admin exist, what does this API key open): entries expire after `ttlMs`,
 * and past `maxEntries` the oldest stored goes first, so memory stays bounded however many callers
 * come and go. Changes reach it sooner through `delete`/`clear`, called from EventBus handlers.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Bumped by every delete and clear: a load that started before one may hold what they removed. */
  private removals = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * The cached value, or what `load` finds (undefined: nothing, which is not stored). A load that a
   * delete or clear overtook is answered once but not stored: it may have read what they removed.
   */
  async through(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const removalsBefore = this.removals;
    const loaded = await load();
    if (loaded !== undefined && this.removals === removalsBefore) this.set(key, loaded);
    return loaded;
  }

  set(key: K, value: V): void {
    // Re-inserted, so Map order stays the order entries were stored in and the first is the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.removals += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.removals += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
