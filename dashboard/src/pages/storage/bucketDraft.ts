import type { Bucket, BucketRuleName, BucketRules, CreateBucketRequest } from '@basalt/contracts';
import type { RuleDraft } from '../collections/schemaDraft';

export const BUCKET_RULE_NAMES: BucketRuleName[] = ['list', 'read', 'create', 'delete'];
export const BUCKET_RULE_LABELS: Record<BucketRuleName, string> = { list: 'List', read: 'Read', create: 'Create', delete: 'Delete' };
const MB = 1024 * 1024;

/** What the bucket form edits: sizes in MB and types as one comma-separated line, as people type them. */
export interface BucketDraft {
  name: string;
  public: boolean;
  maxFileSizeMb: string;
  allowedTypes: string;
  rules: Record<BucketRuleName, RuleDraft>;
}

export function toBucketDraft(bucket?: Bucket): BucketDraft {
  const rules = {} as Record<BucketRuleName, RuleDraft>;
  for (const name of BUCKET_RULE_NAMES) {
    const value = bucket ? bucket.rules[name] : null;
    rules[name] = { mode: value === null ? 'admins' : value === '' ? 'everyone' : 'expression', expression: value ?? '' };
  }
  return {
    name: bucket?.name ?? '',
    public: bucket?.public ?? false,
    maxFileSizeMb: String((bucket?.maxFileSize ?? 10 * MB) / MB),
    allowedTypes: (bucket?.allowedTypes ?? []).join(', '),
    rules,
  };
}

/** The request body, and the problems found before asking the server (keyed as the server keys them). */
export function fromBucketDraft(draft: BucketDraft): { body: CreateBucketRequest; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const mb = Number(draft.maxFileSizeMb);
  if (draft.maxFileSizeMb.trim() === '' || !Number.isFinite(mb) || mb <= 0) problems.maxFileSize = 'must be a positive number of MB';
  const rules = {} as BucketRules;
  for (const name of BUCKET_RULE_NAMES) {
    const rule = draft.rules[name];
    if (rule.mode === 'expression' && rule.expression.trim() === '') problems[`rules.${name}`] = 'write an expression, or choose another mode';
    rules[name] = rule.mode === 'admins' ? null : rule.mode === 'everyone' ? '' : rule.expression.trim();
  }
  const body: CreateBucketRequest = {
    name: draft.name.trim(),
    public: draft.public,
    maxFileSize: Math.round(mb * MB),
    allowedTypes: draft.allowedTypes.split(',').map((t) => t.trim()).filter(Boolean),
    rules,
  };
  return { body, problems };
}

/** `allowedTypes.2: must hold ...` and `allowedTypes` both belong under the types input. */
export function typesError(details: Record<string, string>): string | undefined {
  const key = Object.keys(details).find((k) => k === 'allowedTypes' || k.startsWith('allowedTypes.'));
  return key ? details[key] : undefined;
}
