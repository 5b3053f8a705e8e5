// The measured cases: the same work asked of Basalt and of the floor, as autocannon specs.
import { LIST_LIMIT, LIST_SORT, listThresholds } from './data.mjs';

const sample = (xs, n) => Array.from({ length: Math.min(n, xs.length) }, () => xs[Math.floor(Math.random() * xs.length)]);

/** name -> { read: whether embedded mode runs it too, basalt(ctx), floor(ctx) } returning partial load specs. */
export const CASES = {
  get: {
    label: 'get by id',
    read: true,
    basalt: ({ data }) => ({ method: 'GET', paths: sample(data.items, 1000).map((r) => `/api/collections/items/records/${r.id}`) }),
    floor: ({ data }) => ({ method: 'GET', paths: sample(data.items, 1000).map((r) => `/items/${r.id}`) }),
  },
  list: {
    label: 'list: filter + sort + limit 20',
    read: true,
    basalt: () => ({
      method: 'GET',
      paths: listThresholds().map(
        (min) => `/api/collections/items/records?${new URLSearchParams({ filter: `published = true && score >= ${min}`, sort: LIST_SORT, limit: String(LIST_LIMIT) })}`,
      ),
    }),
    floor: () => ({ method: 'GET', paths: listThresholds().map((min) => `/items?min=${min}&limit=${LIST_LIMIT}`) }),
  },
  create: {
    label: 'create',
    read: false,
    basalt: () => ({ method: 'POST', paths: ['/api/collections/items/records'], body: 'item' }),
    floor: () => ({ method: 'POST', paths: ['/items'], body: 'item' }),
  },
  listRule: {
    label: 'list under rule (@request.auth.id, user token)',
    read: true,
    basalt: ({ basaltUsers }) => ({
      method: 'GET',
      paths: [`/api/collections/owned/records?sort=${LIST_SORT}&limit=${LIST_LIMIT}`],
      headerSets: basaltUsers.map((u) => ({ authorization: `Bearer ${u.token}` })),
    }),
    floor: ({ floorUsers }) => ({
      method: 'GET',
      paths: [`/owned?limit=${LIST_LIMIT}`],
      headerSets: floorUsers.map((u) => ({ authorization: `Bearer ${u.token}` })),
    }),
  },
  login: {
    label: 'login (scrypt N=2^15, r=8)',
    read: false,
    basalt: ({ data }) => ({ method: 'POST', paths: ['/api/auth/login'], bodies: data.users.map((u) => JSON.stringify({ email: u.email, password: u.password })) }),
    floor: ({ data }) => ({ method: 'POST', paths: ['/login'], bodies: data.users.map((u) => JSON.stringify({ email: u.email, password: u.password })) }),
  },
  login200: {
    label: 'login, 200 concurrent (memory bound check)',
    read: false,
    connections: 200,
    basalt: ({ data }) => ({ method: 'POST', paths: ['/api/auth/login'], bodies: data.users.map((u) => JSON.stringify({ email: u.email, password: u.password })) }),
    floor: ({ data }) => ({ method: 'POST', paths: ['/login'], bodies: data.users.map((u) => JSON.stringify({ email: u.email, password: u.password })) }),
  },
};
