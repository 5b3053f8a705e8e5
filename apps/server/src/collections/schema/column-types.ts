import type { Field } from '@basalt/contracts';
import { isMulti } from './collection-schema.js';

/**
 * The Postgres type of each field's column. Text-like values are text; a relation is a uuid (a
 * real foreign key when single); multi-valued fields are arrays; json is jsonb.
 */
export function columnType(field: Field): string {
  const multi = isMulti(field);
  switch (field.type) {
    case 'text':
      return multi ? 'text[]' : 'text';
    case 'email':
    case 'url':
      return 'text';
    case 'number':
      // Also for integers: JSON numbers are doubles, exact up to 2^53, and pg returns bigint as strings.
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'timestamptz';
    case 'select':
    case 'file':
      return multi ? 'text[]' : 'text';
    case 'relation':
      return multi ? 'uuid[]' : 'uuid';
    case 'json':
      return 'jsonb';
  }
}
