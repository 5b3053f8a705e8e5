// The benchmark's data: the same generated rows go into Basalt and into the floor's tables.
const WORDS = ['basalt', 'granite', 'obsidian', 'pumice', 'quartz', 'slate', 'marble', 'shale', 'gneiss', 'flint'];

function words(n) {
  return Array.from({ length: n }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(' ');
}

/** A record of the `items` collection (and of the floor's items table): a few hundred bytes of JSON. */
export function randomItem() {
  return { title: words(4), score: Math.floor(Math.random() * 1000), published: Math.random() < 0.7, body: words(30) };
}

/** The collections both servers hold: the same columns, the same indexes. */
export const ITEMS = {
  fields: [
    { name: 'title', type: 'text', required: true, max: 200 },
    { name: 'score', type: 'number', integer: true, min: 0 },
    { name: 'published', type: 'boolean' },
    { name: 'body', type: 'text' },
  ],
  indexes: [{ fields: ['score'] }],
};

export const OWNED = {
  fields: [...ITEMS.fields, { name: 'owner', type: 'relation', collection: 'users', onDelete: 'cascade' }],
  indexes: [{ fields: ['owner', 'score'] }],
};

/** The list case's filter (a random threshold per request) and sort, as the API receives them. */
export const LIST_SORT = '-score';
export const LIST_LIMIT = 20;
export function listThresholds(n = 50) {
  return Array.from({ length: n }, (_, i) => Math.floor((i * 1000) / n));
}

export const BENCH_PASSWORD = 'bench-password-123';
