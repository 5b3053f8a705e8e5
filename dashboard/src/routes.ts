import type { ComponentType } from 'react';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { CollectionsPage } from './pages/CollectionsPage';
import { JobsPage } from './pages/JobsPage';
import { LogsPage } from './pages/LogsPage';
import { MailPage } from './pages/MailPage';
import { OverviewPage } from './pages/OverviewPage';
import { PushPage } from './pages/PushPage';
import { SettingsPage } from './pages/SettingsPage';
import { StoragePage } from './pages/StoragePage';

export interface PageProps {
  /** Path segments after the page's own, e.g. ['0193...'] for /mail/0193... */
  params: string[];
  query: URLSearchParams;
}

export interface PageRoute {
  /** First path segment under /_/ ('' is the overview). */
  segment: string;
  label: string;
  component: ComponentType<PageProps>;
}

/**
 * The signed-in pages, in nav order. Later pages (Users, Storage, Push) are one
 * entry each here plus their file in pages/.
 */
export const PAGES: PageRoute[] = [
  { segment: '', label: 'Overview', component: OverviewPage },
  { segment: 'collections', label: 'Collections', component: CollectionsPage },
  { segment: 'storage', label: 'Storage', component: StoragePage },
  { segment: 'push', label: 'Push', component: PushPage },
  { segment: 'keys', label: 'API keys', component: ApiKeysPage },
  { segment: 'settings', label: 'Settings', component: SettingsPage },
  { segment: 'mail', label: 'Mail', component: MailPage },
  { segment: 'logs', label: 'Logs', component: LogsPage },
  { segment: 'jobs', label: 'Jobs', component: JobsPage },
];

export function matchPage(path: string): { page: PageRoute; params: string[] } | null {
  const [segment = '', ...params] = path.split('/').filter(Boolean);
  const page = PAGES.find((p) => p.segment === segment);
  return page ? { page, params } : null;
}
