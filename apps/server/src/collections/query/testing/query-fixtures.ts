import type { Field } from '@basalt/contracts';
import type { CollectionSchema, SchemaLookup } from '../../schema/collection-schema.js';
import type { AuthValues, FilterContext } from '../filter-context.js';

/** Test fixtures for the query engine's specs (not used by the server). */

export function collection(name: string, fields: Field[]): CollectionSchema {
  const at = new Date('2024-01-01T00:00:00Z');
  const rules = { list: null, view: null, create: null, update: null, delete: null };
  return { id: `col_${name}`, name, kind: 'base', fields, indexes: [], rules, version: 1, createdAt: at, updatedAt: at };
}

/** A users-like target with one field of most types, one of them hidden. */
export const users = collection('users', [
  { name: 'name', type: 'text' },
  { name: 'age', type: 'number' },
  { name: 'active', type: 'boolean' },
  { name: 'birthday', type: 'date' },
  { name: 'role', type: 'select', values: ['admin', 'editor', 'viewer'] },
  { name: 'email', type: 'email' },
  { name: 'labels', type: 'select', values: ['a', 'b', 'c'], multiple: true },
  { name: 'prefs', type: 'json' },
  { name: 'secret', type: 'text', hidden: true },
]);

/** A posts-like source: every field type, single and multi relations, a json field, a hidden field. */
export const posts = collection('posts', [
  { name: 'title', type: 'text' },
  { name: 'body', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'published', type: 'boolean' },
  { name: 'publishedAt', type: 'date' },
  { name: 'status', type: 'select', values: ['draft', 'live', 'gone'] },
  { name: 'tags', type: 'select', values: ['news', 'tech', 'a%b', 'x_y'], multiple: true },
  { name: 'author', type: 'relation', collection: 'users' },
  { name: 'reviewers', type: 'relation', collection: 'users', multiple: true },
  { name: 'cover', type: 'file', bucket: 'covers' },
  { name: 'attachments', type: 'file', bucket: 'files', multiple: true },
  { name: 'link', type: 'url' },
  { name: 'contact', type: 'email' },
  { name: 'meta', type: 'json' },
  { name: 'secret', type: 'text', hidden: true },
]);

export const schemas: SchemaLookup = {
  get: (name) => ({ users, posts })[name as 'users' | 'posts'],
};

export const GUEST: AuthValues = { id: '', roles: [] };

export const NOW = new Date('2024-06-15T12:00:00.000Z');

export function context(overrides: Partial<FilterContext> = {}): FilterContext {
  return { collection: posts, schemas, auth: GUEST, body: {}, now: NOW, allowHidden: false, ...overrides };
}
