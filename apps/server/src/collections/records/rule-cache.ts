import { Injectable } from '@nestjs/common';
import { collectOperands, type Expr, parseFilter } from '@basalt/filter';
import { parseForCollection } from '../query/parse-for-collection.js';
import type { FilterContext } from '../query/filter-context.js';

const MAX_ENTRIES = 2000;

/**
 * Parsed and type-checked rules and filters, keyed by collection version and source: a rule is
 * parsed once per schema version, not once per request. Values (@request.auth, body, now) are bound
 * later, at compile time, so one parse serves every caller.
 */
@Injectable()
export class RuleCache {
  private readonly cache = new Map<string, Expr | null>();
  private readonly readsAuthRecord = new Map<string, boolean>();

  parse(source: string, ctx: FilterContext): Expr | null {
    const key = `${ctx.collection.name}\u0000${ctx.collection.version}\u0000${ctx.allowHidden ? 1 : 0}\u0000${source}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order, so the oldest entry is first.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const parsed = parseForCollection(source, ctx);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, parsed);
    return parsed;
  }

  /**
   * Whether any of these rules or filters reads a field of the caller's user record beyond `id`
   * and `roles` (which the principal already carries, fresh from this request's token check). When
   * none does, the request skips loading that record. A source that does not parse answers true:
   * its real parse reports the error.
   */
  needsAuthRecord(sources: ReadonlyArray<string | null | undefined>): boolean {
    return sources.some((source) => {
      if (!source) return false;
      let answer = this.readsAuthRecord.get(source);
      if (answer === undefined) {
        try {
          answer = collectOperands(parseFilter(source)).some((o) => o.type === 'auth' && o.path[0] !== 'id' && o.path[0] !== 'roles');
        } catch {
          answer = true;
        }
        if (this.readsAuthRecord.size >= MAX_ENTRIES) this.readsAuthRecord.clear();
        this.readsAuthRecord.set(source, answer);
      }
      return answer;
    });
  }
}
