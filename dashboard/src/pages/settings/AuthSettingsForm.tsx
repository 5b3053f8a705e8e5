import { useState, type FormEvent } from 'react';
import type { AuthSettings } from '@basalt/contracts';
import { ApiError } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { fieldError, type SaveSettings } from '../SettingsPage';

type Flag = 'requireEmailVerification' | 'allowSignup' | 'allowAnonymous';
type NumberField = 'accessTokenTtl' | 'refreshTokenTtl' | 'passwordMinLength';

const FLAGS: { name: Flag; label: string }[] = [
  { name: 'allowSignup', label: 'Allow users to sign up with email and password' },
  { name: 'requireEmailVerification', label: 'Require a verified email before users can sign in' },
  { name: 'allowAnonymous', label: 'Allow anonymous (guest) accounts' },
];

const NUMBERS: { name: NumberField; label: string; hint: string }[] = [
  { name: 'passwordMinLength', label: 'Minimum password length', hint: 'Characters.' },
  { name: 'accessTokenTtl', label: 'Access token lifetime', hint: 'Seconds, e.g. 900 for 15 minutes.' },
  { name: 'refreshTokenTtl', label: 'Refresh token lifetime', hint: 'Seconds, e.g. 2592000 for 30 days.' },
];

export function AuthSettingsForm({ auth, save }: { auth: AuthSettings; save: SaveSettings }) {
  const toast = useToast();
  const [flags, setFlags] = useState<Record<Flag, boolean>>({
    allowSignup: auth.allowSignup,
    requireEmailVerification: auth.requireEmailVerification,
    allowAnonymous: auth.allowAnonymous,
  });
  const [numbers, setNumbers] = useState<Record<NumberField, string>>({
    passwordMinLength: String(auth.passwordMinLength),
    accessTokenTtl: String(auth.accessTokenTtl),
    refreshTokenTtl: String(auth.refreshTokenTtl),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [localErrors, setLocalErrors] = useState<Partial<Record<NumberField, string>>>({});
  const details = error instanceof ApiError ? error.details : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Partial<AuthSettings> = {};
    const invalid: Partial<Record<NumberField, string>> = {};
    for (const { name } of FLAGS) if (flags[name] !== auth[name]) patch[name] = flags[name];
    for (const { name } of NUMBERS) {
      const value = Number(numbers[name]);
      if (numbers[name].trim() === '' || !Number.isInteger(value)) invalid[name] = 'must be a whole number';
      else if (value !== auth[name]) patch[name] = value;
    }
    setLocalErrors(invalid);
    if (Object.keys(invalid).length > 0) return;
    if (Object.keys(patch).length === 0) {
      toast.success('Nothing to save: the auth settings are unchanged');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await save({ auth: patch });
      toast.success('Auth settings saved');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Auth settings">
      <h2>User authentication</h2>
      <ErrorNotice error={error} />
      <div className="checkbox-list">
        {FLAGS.map(({ name, label }) => (
          <label key={name} className="checkbox">
            <input type="checkbox" name={name} checked={flags[name]} onChange={(e) => setFlags({ ...flags, [name]: e.target.checked })} />
            {label}
            {fieldError(details, 'auth', name) && <span className="field-error inline">{fieldError(details, 'auth', name)}</span>}
          </label>
        ))}
      </div>
      <div className="field-row">
        {NUMBERS.map(({ name, label, hint }) => (
          <Field key={name} label={label} htmlFor={`auth-${name}`} hint={hint} error={localErrors[name] ?? fieldError(details, 'auth', name)}>
            <input
              id={`auth-${name}`}
              name={name}
              type="number"
              min={0}
              step={1}
              value={numbers[name]}
              onChange={(e) => setNumbers({ ...numbers, [name]: e.target.value })}
            />
          </Field>
        ))}
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save auth settings'}</button>
      </div>
    </form>
  );
}
