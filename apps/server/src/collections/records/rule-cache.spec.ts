import { RuleCache } from './rule-cache.js';

describe('RuleCache.needsAuthRecord', () => {
  const cases: Array<[string, Array<string | null | undefined>, boolean]> = [
    ['no rules or filters at all', [null, undefined, ''], false],
    ['a rule on the caller id', ['author = @request.auth.id'], false],
    ['a role check', ["@request.auth.roles ?= 'editor'"], false],
    ['a signed-in check and a filter without auth', ["@request.auth.id != ''", 'score > 3'], false],
    ['a rule on another field of the user record', ['team = @request.auth.team'], true],
    ['any one source that reads the record', ['author = @request.auth.id', 'level <= @request.auth.level'], true],
    ['a nested auth path', ['meta.org = @request.auth.meta.org'], true],
    ['a source that does not parse (its own parse reports the error)', ['author = ('], true],
  ];
  it.each(cases)('%s', (_name, sources, expected) => {
    const cache = new RuleCache();
    expect(cache.needsAuthRecord(sources)).toBe(expected);
    // The second answer comes from the cache and must agree.
    expect(cache.needsAuthRecord(sources)).toBe(expected);
  });
});
