import type { Collection, CollectionIndex, CollectionRules, CreateCollectionRequest, RuleName } from '@basalt/contracts';
import { draftToField, fieldToDraft, splitList, type FieldDraft } from './fieldDraft';

export const RULE_NAMES: RuleName[] = ['list', 'view', 'create', 'update', 'delete'];

/** null = admins only, "" = everyone, anything else = an expression that must hold. */
export type RuleMode = 'admins' | 'everyone' | 'expression';

export interface RuleDraft {
  mode: RuleMode;
  expression: string;
}

export interface IndexDraft {
  key: string;
  /** Field names, comma-separated, in index order. */
  fields: string;
  unique: boolean;
}

export interface SchemaDraft {
  name: string;
  fields: FieldDraft[];
  indexes: IndexDraft[];
  rules: Record<RuleName, RuleDraft>;
}

let nextKey = 1;

export function newIndexDraft(): IndexDraft {
  return { key: `index-${nextKey++}`, fields: '', unique: false };
}

export function toDraft(c: Collection | undefined): SchemaDraft {
  const rules = {} as Record<RuleName, RuleDraft>;
  for (const name of RULE_NAMES) {
    const value = c ? c.rules[name] : null;
    rules[name] = { mode: value === null ? 'admins' : value === '' ? 'everyone' : 'expression', expression: value ?? '' };
  }
  return {
    name: c?.name ?? '',
    fields: (c?.fields ?? []).map(fieldToDraft),
    indexes: (c?.indexes ?? []).map((ix) => ({ ...newIndexDraft(), fields: ix.fields.join(', '), unique: ix.unique === true })),
    rules,
  };
}

/** The whole schema as the server takes it, or the problems found before sending (keyed like the server's). */
export function toRequest(draft: SchemaDraft): { body: CreateCollectionRequest; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const fields = draft.fields.map((f, i) => draftToField(f, `fields.${i}`, problems));
  const indexes: CollectionIndex[] = draft.indexes.map((ix) => ({
    fields: splitList(ix.fields.replace(/\s+/g, ',')),
    ...(ix.unique && { unique: true }),
  }));
  const rules = {} as CollectionRules;
  for (const name of RULE_NAMES) {
    const rule = draft.rules[name];
    if (rule.mode === 'expression' && rule.expression.trim() === '') problems[`rules.${name}`] = 'write an expression, or choose another mode';
    rules[name] = rule.mode === 'admins' ? null : rule.mode === 'everyone' ? '' : rule.expression.trim();
  }
  return { body: { name: draft.name.trim(), fields, indexes, rules }, problems };
}

/** What saving would do that loses data or breaks clients: the admin confirms these first. */
export function riskyChanges(current: Collection | undefined, draft: SchemaDraft): string[] {
  if (!current) return [];
  const changes: string[] = [];
  if (draft.name.trim() !== current.name) changes.push(`Rename the collection “${current.name}” to “${draft.name.trim()}”: clients using the old name stop working.`);
  const kept = new Map(draft.fields.filter((f) => f.id).map((f) => [f.id, f]));
  for (const old of current.fields) {
    const next = kept.get(old.id);
    if (!next) changes.push(`Delete the field “${old.name}” and every value stored in it.`);
    else if (next.name.trim() !== old.name) changes.push(`Rename the field “${old.name}” to “${next.name.trim()}”: filters and clients using the old name stop working.`);
    if (next && next.type !== old.type) changes.push(`Change the type of “${old.name}” from ${old.type} to ${next.type}.`);
  }
  return changes;
}

/**
 * The server names problems by position in the list it was sent (`fields.2.max`, `indexes.0`);
 * the editor anchors them to the fields as they were sent, so reordering afterwards keeps them in place.
 */
export function placeErrors(details: Record<string, string>, sent: SchemaDraft): Record<string, string> {
  const placed: Record<string, string> = {};
  for (const [key, message] of Object.entries(details)) {
    const field = /^fields\.(\d+)(?:\.(.+))?$/.exec(key);
    const index = /^indexes\.(\d+)/.exec(key);
    if (field && sent.fields[Number(field[1])]) placed[`field:${sent.fields[Number(field[1])].key}.${field[2] ?? ''}`] = message;
    else if (index && sent.indexes[Number(index[1])]) placed[`index:${sent.indexes[Number(index[1])].key}`] = message;
    else placed[key] = message;
  }
  return placed;
}

/** The placed errors of one field, by option name ('' for the field as a whole). */
export function errorsOfField(errors: Record<string, string>, key: string): Record<string, string> {
  const prefix = `field:${key}.`;
  const out: Record<string, string> = {};
  for (const [k, message] of Object.entries(errors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = message;
  return out;
}
