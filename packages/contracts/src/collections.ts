export const FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'email', 'url', 'select', 'relation', 'file', 'json'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type OnDelete = 'cascade' | 'setNull' | 'restrict';

interface FieldCommon {
  /** Stable across renames; assigned by the server when a field is created. */
  id?: string;
  name: string;
  required?: boolean;
  unique?: boolean;
  default?: unknown;
  /** Never returned to, filtered or sorted by non-admins. */
  hidden?: boolean;
  /** Built in (e.g. the fields of `users`): cannot be removed, renamed or retyped. */
  system?: boolean;
}

/** With `multiple`, a list of strings (e.g. the roles of `users`); min, max and pattern then apply to each. */
export interface TextField extends FieldCommon { type: 'text'; min?: number; max?: number; pattern?: string; multiple?: boolean }
export interface NumberField extends FieldCommon { type: 'number'; min?: number; max?: number; integer?: boolean }
export interface BooleanField extends FieldCommon { type: 'boolean' }
export interface DateField extends FieldCommon { type: 'date'; min?: string; max?: string }
export interface EmailField extends FieldCommon { type: 'email' }
export interface UrlField extends FieldCommon { type: 'url' }
export interface SelectField extends FieldCommon { type: 'select'; values: string[]; multiple?: boolean }
export interface RelationField extends FieldCommon { type: 'relation'; collection: string; multiple?: boolean; onDelete?: OnDelete }
export interface FileField extends FieldCommon { type: 'file'; bucket: string; multiple?: boolean }
export interface JsonField extends FieldCommon { type: 'json' }

export type Field = TextField | NumberField | BooleanField | DateField | EmailField | UrlField | SelectField | RelationField | FileField | JsonField;

export interface CollectionIndex {
  fields: string[];
  unique?: boolean;
}

/** null: admins and API keys only; "": everyone, guests too; an expression: it must hold. */
export interface CollectionRules {
  list: string | null;
  view: string | null;
  create: string | null;
  update: string | null;
  delete: string | null;
}
export type RuleName = keyof CollectionRules;

export type CollectionKind = 'base' | 'auth';

export interface Collection {
  id: string;
  name: string;
  kind: CollectionKind;
  fields: Field[];
  indexes: CollectionIndex[];
  rules: CollectionRules;
  createdAt: string;
  updatedAt: string;
}

export interface CreateCollectionRequest {
  name: string;
  kind?: 'base';
  fields: Field[];
  indexes?: CollectionIndex[];
  rules?: Partial<CollectionRules>;
}

/** `fields` is the whole new list: a field keeps its `id` to be kept or renamed; one without an id is new; one left out is deleted. */
export interface UpdateCollectionRequest {
  name?: string;
  fields?: Field[];
  indexes?: CollectionIndex[];
  rules?: Partial<CollectionRules>;
}

/** Names no field may take. */
export const RESERVED_FIELD_NAMES = ['id', 'createdAt', 'updatedAt', 'expand', 'collection', 'password', 'passwordHash', 'tokenKey', '__proto__', 'constructor', 'prototype'] as const;

export interface BaseRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  expand?: Record<string, BaseRecord | BaseRecord[] | null>;
  [field: string]: unknown;
}

export interface RecordList<T = BaseRecord> {
  items: T[];
  limit: number;
  nextCursor: string | null;
  total?: number;
}

export type BatchMethod = 'POST' | 'PATCH' | 'DELETE';

export interface BatchRequestItem {
  method: BatchMethod;
  collection: string;
  id?: string;
  body?: Record<string, unknown>;
  /** For PATCH and DELETE: the ETag the record must still have. */
  ifMatch?: string;
}

export interface BatchRequest {
  requests: BatchRequestItem[];
}

export interface BatchResponse {
  results: Array<{ status: number; body?: unknown }>;
}

export type RecordAction = 'create' | 'update' | 'delete';
