import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's Chromium; a missing binary fails the suite with the command that installs it. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install Debian's package: apt-get update && apt-get install -y chromium`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}

/** Waits until a person would see `locator`; on failure says what the page showed instead. */
export async function see(page: Page, locator: Locator, what: string, timeout = 10_000): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
    return locator.first();
  } catch {
    const shown = await page.locator('body').innerText().catch(() => '(page not readable)');
    throw new Error(`Expected to see ${what} at ${page.url()}, but the page shows:\n${shown}`);
  }
}

/** A full-page screenshot in the temp dir, to look at while developing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(tmpdir(), `dashboard-${name}.png`), fullPage: true });
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}
export type ServerApi = (method: string, path: string, body?: unknown, token?: string) => Promise<ApiAnswer>;

/**
 * Direct calls to the server beside the page, to set things up and check what the page did: as the
 * admin (`adminToken()`) unless another token is given ('' calls as a guest).
 */
export function serverApi(baseUrl: () => string, adminToken: () => string): ServerApi {
  return async (method, path, body, token = adminToken()) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(new URL(path, baseUrl()), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

/** Waits for a toast, then closes every open one, so the next step's notice with the same words is a new one. */
export async function seeToast(page: Page, text: string | RegExp, what: string): Promise<void> {
  await see(page, page.getByRole('status').filter({ hasText: text }), what);
  for (const close of await page.getByRole('button', { name: 'Dismiss' }).all()) await close.click({ timeout: 1000 }).catch(() => undefined);
}
