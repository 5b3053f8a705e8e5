import { useEffect, useState } from 'react';
import type { Settings, SettingsPatch } from '@basalt/contracts';
import { request } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/PageHeader';
import { useApi } from '../useApi';
import { AuthSettingsForm } from './settings/AuthSettingsForm';
import { PushSettingsForm } from './settings/PushSettingsForm';
import { SmtpSettingsForm } from './settings/SmtpSettingsForm';

/** Sends a partial change; the server answers with the whole settings (secrets masked). */
export type SaveSettings = (patch: SettingsPatch) => Promise<void>;

export function SettingsPage() {
  const loaded = useApi<Settings>('/api/admin/settings');
  const [settings, setSettings] = useState<Settings>();

  useEffect(() => {
    if (loaded.data) setSettings(loaded.data);
  }, [loaded.data]);

  const save: SaveSettings = async (patch) => {
    const updated = await request<Settings | undefined>('PATCH', '/api/admin/settings', { body: patch });
    if (updated && typeof updated === 'object' && 'auth' in updated) setSettings(updated);
    else loaded.reload();
  };

  return (
    <>
      <PageHeader title="Settings" description="Changes apply at once on every server node." />
      <ErrorNotice error={loaded.error} />
      {!settings && loaded.loading && <p className="muted">Loading…</p>}
      {settings && (
        <>
          <AuthSettingsForm key={JSON.stringify(settings.auth)} auth={settings.auth} save={save} />
          <SmtpSettingsForm key={JSON.stringify(settings.smtp)} smtp={settings.smtp} save={save} />
          <PushSettingsForm push={settings.push ?? {}} save={save} />
        </>
      )}
    </>
  );
}

/** The server may key a validation message by the full path (`auth.passwordMinLength`) or by the field. */
export function fieldError(details: Record<string, string>, section: string, field: string): string | undefined {
  return details[`${section}.${field}`] ?? details[field];
}
