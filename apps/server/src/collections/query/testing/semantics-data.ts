/** A small, hand-made data set whose answers are worked out by hand (filter-semantics.spec.ts). */

export const U1 = '00000000-0000-4000-8000-000000000001';
export const U2 = '00000000-0000-4000-8000-000000000002';
export const MISSING_USER = '00000000-0000-4000-8000-0000000000ff';

export const P1 = '00000000-0000-4000-8000-00000000000a';
export const P2 = '00000000-0000-4000-8000-00000000000b';
export const P3 = '00000000-0000-4000-8000-00000000000c';
export const P4 = '00000000-0000-4000-8000-00000000000d';
export const P5 = '00000000-0000-4000-8000-00000000000e';

const stamp = { createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-02T00:00:00.000Z' };

export const USERS: Array<Record<string, unknown>> = [
  {
    id: U1,
    ...stamp,
    name: 'Ann',
    age: 30,
    active: true,
    birthday: '1990-01-01T00:00:00.000Z',
    role: 'admin',
    email: 'ann@example.com',
    labels: ['a', 'b'],
    prefs: { theme: 'dark' },
    secret: 's1',
  },
  { id: U2, ...stamp, name: null, age: null, active: null, birthday: null, role: null, email: null, labels: null, prefs: null, secret: null },
];

export const POSTS: Array<Record<string, unknown>> = [
  {
    id: P1,
    ...stamp,
    title: 'Hello World',
    body: '',
    score: 10,
    published: true,
    publishedAt: '2024-01-01T00:00:00.000Z',
    status: 'live',
    tags: ['news', 'tech'],
    author: U1,
    reviewers: [U1, U2],
    cover: 'c.png',
    attachments: [],
    link: 'https://example.com',
    contact: 'a@b.c',
    meta: { n: 5, s: 'five', b: true, o: { x: 1 } },
    secret: 'top',
  },
  { id: P2, ...stamp },
  {
    id: P3,
    ...stamp,
    title: '',
    body: 'a%b_c\\d',
    score: -2.5,
    published: false,
    publishedAt: '2024-12-31T23:59:59.999Z',
    status: 'draft',
    tags: [],
    author: U2,
    reviewers: [],
    meta: { n: '5', s: 5, b: 'true' },
  },
  {
    id: P4,
    ...stamp,
    title: 'hello',
    body: "it's",
    score: 10,
    published: true,
    publishedAt: '2024-06-15T12:00:00.000Z',
    status: 'gone',
    tags: ['a%b'],
    author: MISSING_USER,
    meta: [1, 2],
  },
  { id: P5, ...stamp, title: 'Zebra', score: 0, meta: 'str' },
];

/** Fills the columns a record leaves out with null, as the API shape has them. */
export function complete(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(['id', 'createdAt', 'updatedAt', ...fields].map((name) => [name, record[name] ?? null]));
}
