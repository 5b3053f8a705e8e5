import type { AuthValues } from '../filter-context.js';
import type { Random } from './random.js';
import { DATES, NUMBERS, randomText, ROLES } from './random-records.js';

/** One generated filter and the context it is judged in. */
export interface FilterScenario {
  source: string;
  auth: AuthValues;
  body: Record<string, unknown>;
  allowHidden: boolean;
}

export interface ScenarioPools {
  users: Array<Record<string, unknown>>;
  postIds: string[];
  dangling: string;
}

type Kind = 'text' | 'number' | 'boolean' | 'date' | 'uuid' | 'json';

const OPS: Record<Kind, string[]> = {
  text: ['=', '!=', '>', '>=', '<', '<=', '~', '!~'],
  number: ['=', '!=', '>', '>=', '<', '<='],
  date: ['=', '!=', '>', '>=', '<', '<='],
  boolean: ['=', '!='],
  uuid: ['=', '!='],
  json: ['=', '!='],
};
const KINDS: Kind[] = ['text', 'text', 'text', 'number', 'number', 'boolean', 'date', 'date', 'uuid', 'uuid', 'json'];

/** Quotes a string in the filter language, with either quote character. */
export function quote(text: string, double: boolean): string {
  const q = double ? '"' : "'";
  return q + text.replace(/\\/g, '\\\\').replace(double ? /"/g : /'/g, `\\${q}`) + q;
}

/** A date as a client might write it: full ISO, date only, with an offset, or without a zone (UTC). */
function dateText(r: Random): string {
  const iso = r.pick(DATES);
  switch (r.int(4)) {
    case 0:
      return iso.slice(0, 10);
    case 1: {
      const shifted = new Date(Date.parse(iso) + 2 * 3600_000).toISOString();
      return `${shifted.slice(0, 23)}+02:00`;
    }
    case 2:
      return iso.slice(0, 19).replace('T', ' ');
    default:
      return iso;
  }
}

export function randomScenario(r: Random, pools: ScenarioPools): FilterScenario {
  const userIds = pools.users.map((user) => user.id as string);
  const auth: AuthValues = r.chance(0.3)
    ? { id: '', roles: [] }
    : { ...r.pick(pools.users), id: r.pick(userIds), roles: ROLES.filter(() => r.chance(0.4)) };
  const body: Record<string, unknown> = {};
  const put = (key: string, make: () => unknown) => r.chance(0.85) && (body[key] = make());
  put('title', () => r.maybe(0.2, () => randomText(r)));
  put('score', () => r.pick(NUMBERS));
  put('tags', () => r.list(3, () => r.maybe(0.15, () => randomText(r))));
  put('flag', () => r.chance(0.5));
  put('when', () => dateText(r));
  put('whens', () => r.list(2, () => dateText(r)));
  put('scores', () => r.list(3, () => r.pick(NUMBERS)));
  put('id', () => (r.chance(0.2) ? '' : r.pick(userIds)));
  put('ids', () => r.list(2, () => (r.chance(0.2) ? '' : r.pick(userIds))));
  const allowHidden = r.chance(0.3);
  return { source: new FilterWriter(r, pools, allowHidden).expr(0), auth, body, allowHidden };
}

class FilterWriter {
  constructor(
    private readonly r: Random,
    private readonly pools: ScenarioPools,
    private readonly allowHidden: boolean,
  ) {}

  /** Depth up to 4; fewer branches deeper down keep it under the 50-comparison limit. */
  expr(depth: number): string {
    const r = this.r;
    if (depth >= 4 || r.chance(0.4)) return this.compare();
    switch (r.int(4)) {
      case 0:
      case 1: {
        const op = r.chance(0.5) ? ' && ' : ' || ';
        const items = Array.from({ length: depth < 2 ? 2 + r.int(2) : 2 }, () => this.expr(depth + 1));
        return items.map((item) => (/&&|\|\|/.test(item) && !isWrapped(item) ? `(${item})` : item)).join(op);
      }
      case 2: {
        const inner = this.expr(depth + 1);
        return `!${/&&|\|\||^!/.test(inner) && !isWrapped(inner) ? `(${inner})` : inner}`;
      }
      default:
        return `(${this.expr(depth + 1)})`;
    }
  }

  private compare(): string {
    const r = this.r;
    const kind = r.pick(KINDS);
    if (kind === 'json') {
      const sides = [r.pick(['meta', 'author.prefs', 'meta.a', 'meta.c']), r.pick(['null', '@request.body.missing'])];
      return this.join(sides, r.pick(OPS.json));
    }
    const lists = this.lists(kind);
    if (lists.length > 0 && r.chance(0.3)) {
      return this.join([r.pick(lists), this.scalar(kind, 0.6)], `?${r.pick(OPS[kind])}`);
    }
    return this.join([this.scalar(kind, 0.85), this.scalar(kind, 0.3)], r.pick(OPS[kind]));
  }

  private join([a, b]: string[], op: string): string {
    return this.r.chance(0.5) ? `${a} ${op} ${b}` : `${b} ${op} ${a}`;
  }

  /** A field of the kind with probability `fieldChance`, else a constant of it. */
  private scalar(kind: Exclude<Kind, 'json'>, fieldChance: number): string {
    const r = this.r;
    return r.chance(fieldChance) ? r.pick(this.fields(kind)) : this.constant(kind);
  }

  private fields(kind: Exclude<Kind, 'json'>): string[] {
    const hidden = this.allowHidden;
    switch (kind) {
      case 'text':
        return ['title', 'body', 'status', 'cover', 'link', 'contact', 'author.name', 'author.role', 'author.email', 'meta.a', 'meta.b', ...(hidden ? ['secret', 'author.secret'] : [])];
      case 'number':
        return ['score', 'author.age', 'meta.a', 'meta.b'];
      case 'boolean':
        return ['published', 'author.active', 'meta.c'];
      case 'date':
        return ['publishedAt', 'createdAt', 'updatedAt', 'author.birthday'];
      case 'uuid':
        return ['id', 'author', 'author.id'];
    }
  }

  private lists(kind: Kind): string[] {
    const lists: Partial<Record<Kind, string[]>> = {
      text: ['tags', 'attachments', 'author.labels', '@request.auth.roles', '@request.body.tags'],
      number: ['@request.body.scores'],
      date: ['@request.body.whens'],
      uuid: ['reviewers', '@request.body.ids'],
    };
    return lists[kind] ?? [];
  }

  private constant(kind: Exclude<Kind, 'json'>): string {
    const r = this.r;
    if (r.chance(0.08)) return 'null';
    switch (kind) {
      case 'text':
        return r.chance(0.7) ? quote(randomText(r), r.chance(0.3)) : r.pick(['@request.body.title', '@request.auth.name', '@request.body.missing']);
      case 'number':
        return r.chance(0.7) ? String(r.pick(NUMBERS)) : r.pick(['@request.body.score', '@request.auth.age']);
      case 'boolean':
        return r.chance(0.7) ? r.pick(['true', 'false']) : '@request.body.flag';
      case 'date':
        return r.chance(0.6) ? quote(dateText(r), false) : r.pick(['@now', '@request.body.when', '@request.auth.birthday']);
      case 'uuid': {
        if (r.chance(0.4)) return r.pick(['@request.auth.id', '@request.body.id']);
        const users = this.pools.users.map((user) => user.id as string);
        const id = r.pick([...users, ...users, r.pick(this.pools.postIds), this.pools.dangling, '']);
        return quote(r.chance(0.2) ? id.toUpperCase() : id, false);
      }
    }
  }
}

/** `(a || b)` as a whole, not `(a) || (b)`. */
function isWrapped(source: string): boolean {
  if (!source.startsWith('(') || !source.endsWith(')')) return false;
  let depth = 0;
  let quoteChar: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoteChar) {
      if (c === '\\') i++;
      else if (c === quoteChar) quoteChar = null;
      continue;
    }
    if (c === '"' || c === "'") quoteChar = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < source.length - 1) return false;
  }
  return true;
}
