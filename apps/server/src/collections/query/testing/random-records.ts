import type { Random } from './random.js';

/**
 * Generated records for the agreement property test: many NULLs, empty strings, duplicates,
 * LIKE wildcards, backslashes and quotes. ASCII only, because `~` folds case alike in SQL and JS
 * only for ASCII (see filter-values.ts).
 */
export const TEXTS = ['', ' ', 'a', 'A', 'ab', 'Ab', 'abc', 'news', 'tech', 'a%b', 'a_b', 'x\\y', "it's", 'say "hi"', 'Hello', 'hello', 'HELLO world', '%', '_', '\\', 'z', 'Z', '0', '10', '9', 'null', 'true'];
const ALPHABET = "aAbB%_\\'\" 0z";
export const NUMBERS = [0, -0, 1, -1, 2.5, -2.5, 10, 100, 0.1, 0.30000000000000004, 1e10, -1e-7];
export const NOW = '2024-06-15T12:00:00.000Z';
export const DATES = ['2024-01-01T00:00:00.000Z', '2024-06-15T11:59:59.999Z', NOW, '2024-06-15T12:00:00.001Z', '1999-12-31T23:59:59.000Z', '2030-01-01T00:00:00.000Z'];
export const ROLES = ['admin', 'editor', 'viewer'];
export const SELECT_VALUES = ['draft', 'live', 'gone', ''];
export const JSON_KEYS = ['a', 'b', 'c'];

export function randomText(r: Random): string {
  if (r.chance(0.7)) return r.pick(TEXTS);
  return Array.from({ length: r.int(5) }, () => r.pick([...ALPHABET])).join('');
}

function jsonValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 0 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return randomText(r);
    case 2:
      return r.pick(NUMBERS.filter((n) => !Object.is(n, -0)));
    case 3:
      return r.chance(0.5);
    case 4:
      return r.pick(['5', 'true', '']);
    case 5:
      return r.list(2, () => jsonValue(r, depth + 1));
    default:
      return Object.fromEntries(r.list(3, () => [r.pick(JSON_KEYS), jsonValue(r, depth + 1)]));
  }
}

/** Objects most of the time, so `meta.a` has something to find. */
export function randomJson(r: Random): unknown {
  return r.chance(0.75) ? Object.fromEntries(r.list(3, () => [r.pick(JSON_KEYS), jsonValue(r, 1)])) : jsonValue(r);
}

function stamps(r: Random) {
  return { createdAt: r.pick(DATES), updatedAt: r.pick(DATES) };
}

export function randomUser(r: Random, id: string): Record<string, unknown> {
  return {
    id,
    ...stamps(r),
    name: r.maybe(0.3, () => randomText(r)),
    age: r.maybe(0.3, () => r.pick(NUMBERS)),
    active: r.maybe(0.3, () => r.chance(0.5)),
    birthday: r.maybe(0.3, () => r.pick(DATES)),
    role: r.maybe(0.3, () => r.pick(ROLES)),
    email: r.maybe(0.3, () => r.pick(['ann@example.com', 'BOB@example.com', ''])),
    labels: r.maybe(0.3, () => r.list(3, () => r.pick(['a', 'b', 'c', '']))),
    prefs: r.maybe(0.4, () => randomJson(r)),
    secret: r.maybe(0.5, () => randomText(r)),
  };
}

export function randomPost(r: Random, id: string, userIds: string[], dangling: string): Record<string, unknown> {
  const userId = () => (r.chance(0.1) ? dangling : r.pick(userIds));
  return {
    id,
    ...stamps(r),
    title: r.maybe(0.25, () => randomText(r)),
    body: r.maybe(0.4, () => randomText(r)),
    score: r.maybe(0.25, () => r.pick(NUMBERS)),
    published: r.maybe(0.25, () => r.chance(0.5)),
    publishedAt: r.maybe(0.3, () => r.pick(DATES)),
    status: r.maybe(0.3, () => r.pick(SELECT_VALUES)),
    tags: r.maybe(0.3, () => r.list(3, () => r.pick(['news', 'tech', 'a%b', 'x_y', '']))),
    author: r.maybe(0.25, userId),
    reviewers: r.maybe(0.3, () => r.list(3, () => r.pick(userIds))),
    cover: r.maybe(0.5, () => r.pick(['c.png', 'C.PNG', 'a_b.png', ''])),
    attachments: r.maybe(0.4, () => r.list(2, () => r.pick(['f.pdf', 'g%.pdf', '']))),
    link: r.maybe(0.5, () => r.pick(['https://example.com', 'http://a_b.io/%20'])),
    contact: r.maybe(0.5, () => r.pick(['ann@example.com', 'x@y.z'])),
    meta: r.maybe(0.3, () => randomJson(r)),
    secret: r.maybe(0.5, () => randomText(r)),
  };
}
