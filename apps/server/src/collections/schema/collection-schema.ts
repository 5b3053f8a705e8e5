import type { CollectionIndex, CollectionKind, CollectionRules, Field } from '@basalt/contracts';

/**
 * A collection as the server works with it: validated, with every field (system ones included)
 * carrying its id. Field names are also the column names of the collection's table `app."<name>"`.
 */
export interface CollectionSchema {
  id: string;
  name: string;
  kind: CollectionKind;
  fields: Field[];
  indexes: CollectionIndex[];
  rules: CollectionRules;
  /** Bumped on every change; caches of compiled rules key on it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What every record has besides its fields; they are columns too. */
export const SYSTEM_COLUMNS = ['id', 'createdAt', 'updatedAt'] as const;

/** Read access to the registry, for code that follows relations. */
export interface SchemaLookup {
  get(name: string): CollectionSchema | undefined;
}

export function fieldOf(schema: CollectionSchema, name: string): Field | undefined {
  return schema.fields.find((f) => f.name === name);
}

/** Multi-valued fields are arrays (text[] or uuid[] columns). */
export function isMulti(field: Field): boolean {
  return (field.type === 'text' || field.type === 'select' || field.type === 'relation' || field.type === 'file') && field.multiple === true;
}

/**
 * Quotes an identifier for SQL. Only names from the validated registry reach here (they match
 * `^[a-z][a-zA-Z0-9_]{0,62}$`), but quoting is unconditional so nothing relies on that alone.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function tableRef(collection: string): string {
  return `app.${quoteIdent(collection)}`;
}
