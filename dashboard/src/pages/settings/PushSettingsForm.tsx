import { useState, type FormEvent } from 'react';
import { MASKED_SECRET, type PushSettings } from '@basalt/contracts';
import { ApiError } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { fieldError, type SaveSettings } from '../SettingsPage';

type Provider = keyof PushSettings;

interface Input {
  name: string;
  label: string;
  hint: string;
  /** Write-only: read back masked, sent only when the admin typed a new value. */
  secret?: boolean;
  multiline?: boolean;
  checkbox?: boolean;
  optional?: boolean;
}

const NAMES: Record<Provider, string> = { fcm: 'FCM', apns: 'APNs', webpush: 'Web Push' };

const PROVIDERS: { provider: Provider; title: string; inputs: Input[] }[] = [
  {
    provider: 'fcm',
    title: 'Firebase Cloud Messaging (Android, iOS via FCM)',
    inputs: [
      { name: 'serviceAccount', label: 'Service account JSON', hint: 'The key file from the Firebase console (project_id, client_email, private_key, token_uri).', secret: true, multiline: true },
      { name: 'baseUrl', label: 'Base URL (optional)', hint: 'Default https://fcm.googleapis.com.', optional: true },
    ],
  },
  {
    provider: 'apns',
    title: 'Apple Push Notification service',
    inputs: [
      { name: 'keyP8', label: 'Signing key (.p8)', hint: 'The contents of the AuthKey_XXXXXXXXXX.p8 file.', secret: true, multiline: true },
      { name: 'keyId', label: 'Key ID', hint: '10 characters, from the Apple developer account.' },
      { name: 'teamId', label: 'Team ID', hint: '10 characters.' },
      { name: 'bundleId', label: 'Bundle ID', hint: 'Sent as apns-topic, e.g. com.example.app.' },
      { name: 'production', label: 'Production environment (else the sandbox)', hint: '', checkbox: true },
      { name: 'baseUrl', label: 'Base URL (optional)', hint: 'Default: Apple’s production or sandbox host.', optional: true },
    ],
  },
  {
    provider: 'webpush',
    title: 'Web Push (VAPID)',
    inputs: [
      { name: 'vapidPublicKey', label: 'VAPID public key', hint: 'base64url; generated on first use when none is set.' },
      { name: 'vapidPrivateKey', label: 'VAPID private key', hint: 'base64url.', secret: true },
      { name: 'subject', label: 'Subject', hint: 'A mailto: or https: URL where push services can reach you.' },
    ],
  },
];

/** The push providers' credentials, one card each; secrets are write-only as for SMTP. */
export function PushSettingsForm({ push, save }: { push: PushSettings; save: SaveSettings }) {
  return (
    <>
      {PROVIDERS.map((p) => (
        <ProviderForm key={`${p.provider}:${JSON.stringify(push[p.provider] ?? null)}`} provider={p.provider} title={p.title} inputs={p.inputs} stored={push[p.provider] as Record<string, unknown> | undefined} save={save} />
      ))}
    </>
  );
}

function ProviderForm({ provider, title, inputs, stored, save }: {
  provider: Provider;
  title: string;
  inputs: Input[];
  stored: Record<string, unknown> | undefined;
  save: SaveSettings;
}) {
  const toast = useToast();
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(inputs.map((i) => {
      const v = stored?.[i.name];
      if (i.checkbox) return [i.name, v === true];
      return [i.name, v === MASKED_SECRET || v === undefined || v === null ? '' : String(v)];
    })),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const details = error instanceof ApiError ? error.details : {};
  const section = `push.${provider}`;

  async function run(patch: Record<string, unknown> | null, done: string) {
    setBusy(true);
    setError(undefined);
    try {
      await save({ push: { [provider]: patch } });
      toast.success(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    for (const i of inputs) {
      const v = values[i.name];
      if (i.checkbox) patch[i.name] = v;
      else if (i.secret) patch[i.name] = v === '' && stored?.[i.name] === MASKED_SECRET ? MASKED_SECRET : (v as string).trim();
      else if ((v as string).trim() !== '' || !i.optional) patch[i.name] = (v as string).trim();
    }
    void run(patch, `${NAMES[provider]} settings saved`);
  }

  const placed = inputs.some((i) => fieldError(details, section, i.name));
  return (
    <form className="card" onSubmit={submit} aria-label={`${provider} push settings`}>
      <h2>{title}</h2>
      <p className="muted">{stored ? 'Configured.' : 'Not configured: devices on this platform fail with a reason naming this setting.'}</p>
      <ErrorNotice error={placed ? undefined : error} />
      {inputs.map((i) => {
        const id = `${provider}-${i.name}`;
        const err = fieldError(details, section, i.name);
        if (i.checkbox) {
          return (
            <label key={i.name} className="checkbox">
              <input id={id} type="checkbox" checked={values[i.name] === true} onChange={(e) => setValues({ ...values, [i.name]: e.target.checked })} />
              {i.label}
              {err && <span className="field-error inline">{err}</span>}
            </label>
          );
        }
        const masked = i.secret && stored?.[i.name] === MASKED_SECRET;
        const hint = masked ? 'A value is stored and hidden. Leave empty to keep it, or enter a new one to replace it.' : i.hint;
        const props = {
          id,
          autoComplete: 'off',
          placeholder: masked ? MASKED_SECRET : undefined,
          value: values[i.name] as string,
          'aria-invalid': err ? true : undefined,
        };
        return (
          <Field key={i.name} label={i.label} htmlFor={id} hint={hint} error={err}>
            {i.multiline ? (
              <textarea {...props} className="mono" rows={3} onChange={(e) => setValues({ ...values, [i.name]: e.target.value })} />
            ) : (
              <input {...props} type={i.secret ? 'password' : 'text'} onChange={(e) => setValues({ ...values, [i.name]: e.target.value })} />
            )}
          </Field>
        );
      })}
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : `Save ${provider} settings`}</button>
        {stored && (
          <ConfirmButton label="Remove" question={`Forget the ${NAMES[provider]} credentials?`} confirmLabel="Yes, remove" busy={busy} onConfirm={() => void run(null, `${NAMES[provider]} settings removed`)} />
        )}
      </div>
    </form>
  );
}
