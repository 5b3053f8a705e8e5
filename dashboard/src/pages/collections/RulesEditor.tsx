import type { RuleName } from '@basalt/contracts';
import { FilterError } from '../../components/FilterError';
import { RULE_NAMES, type RuleDraft, type RuleMode } from './schemaDraft';

const LABELS: Record<RuleName, string> = { list: 'List', view: 'View', create: 'Create', update: 'Update', delete: 'Delete' };
const MODES: { value: RuleMode; label: string }[] = [
  { value: 'admins', label: 'Admins only' },
  { value: 'everyone', label: 'Everyone (guests too)' },
  { value: 'expression', label: 'Expression' },
];

/**
 * The five access rules. An expression's error comes back as `invalid_filter` with the rule's name
 * and a position (`ruleError`), or as a plain message keyed `rules.<name>`.
 */
export function RulesEditor<K extends string = RuleName>({ rules, errors, ruleError, onChange, names = RULE_NAMES as K[], labels = LABELS as Record<K, string> }: {
  rules: Record<K, RuleDraft>;
  errors: Record<string, string>;
  ruleError?: { rule: string; error: unknown; expression: string };
  onChange(rules: Record<K, RuleDraft>): void;
  /** Another owner's rule set (e.g. a storage bucket's list/read/create/delete); collections by default. */
  names?: readonly K[];
  labels?: Record<K, string>;
}) {
  return (
    <div className="rules">
      {names.map((name) => {
        const rule = rules[name];
        const id = `rule-${name}`;
        const filterError = ruleError?.rule === name ? ruleError : undefined;
        const message = errors[`rules.${name}`];
        const invalid = Boolean(filterError || message);
        const set = (patch: Partial<RuleDraft>) => onChange({ ...rules, [name]: { ...rule, ...patch } });
        return (
          <div key={name} className={invalid ? 'rule-row has-error' : 'rule-row'} role="group" aria-label={`${labels[name]} rule`}>
            <label htmlFor={`${id}-mode`} className="rule-name">{labels[name]} rule</label>
            <select id={`${id}-mode`} value={rule.mode} onChange={(e) => set({ mode: e.target.value as RuleMode })}>
              {MODES.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
            </select>
            {rule.mode === 'expression' && (
              <div className="rule-expression">
                <input
                  id={`${id}-expression`}
                  className="mono"
                  aria-label={`${labels[name]} rule expression`}
                  aria-invalid={invalid || undefined}
                  aria-describedby={invalid ? `${id}-error` : undefined}
                  placeholder="author = @request.auth.id"
                  value={rule.expression}
                  onChange={(e) => set({ expression: e.target.value })}
                />
                {filterError && <FilterError id={`${id}-error`} error={filterError.error} expression={filterError.expression} />}
                {!filterError && message && <div className="field-error" id={`${id}-error`}>{message}</div>}
              </div>
            )}
            {rule.mode !== 'expression' && message && <div className="field-error" id={`${id}-error`}>{message}</div>}
          </div>
        );
      })}
    </div>
  );
}
