/**
 * The dashboard as an admin sees it: Debian's Chromium, driven by playwright-core, against a
 * live server started by the testkit on the embedded drivers. The scenarios run in order on one
 * browser page, the way a person would go through them after a first start.
 */
import { startBasalt } from '@basalt/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot as saveScreenshot, see as seeOn } from './browser.js';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

let server: Awaited<ReturnType<typeof startBasalt>> | undefined;
let browser: Browser | undefined;
let page: Page;
const see = (locator: Locator, what: string, timeout?: number) => seeOn(page, locator, what, timeout);
const screenshot = (name: string) => saveScreenshot(page, `${name}`);

beforeAll(async () => {
  // No bootstrap admin: the server must print its one-time setup link.
  server = await startBasalt({ drivers: 'embedded', env: { BASALT_ADMIN_EMAIL: '', BASALT_ADMIN_PASSWORD: '' } });
  ({ browser, page } = await launchBrowser());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openPage(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await see(page.getByRole('heading', { level: 1, name: label, exact: true }), `the ${label} page`);
}

async function setupLink(): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /https?:\/\/\S+\/_\/setup\?token=[^\s"'<>]+/.exec(server!.output());
    if (match) {
      // Keep the printed path and token; reach the server at the address the testkit reports.
      const printed = new URL(match[0]);
      return new URL(printed.pathname + printed.search, server!.url).toString();
    }
    if (Date.now() > deadline) throw new Error(`No setup link (/_/setup?token=) in the server output:\n${server!.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function signIn(email: string, password: string): Promise<void> {
  await see(page.getByRole('heading', { name: 'Sign in' }), 'the sign-in form');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('admin dashboard', () => {
  test('first-run setup through the printed link, then sign out and sign in again', async () => {
    await page.goto(await setupLink());
    await see(page.getByRole('heading', { name: 'Set up Basalt' }), 'the setup page');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await screenshot('setup');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();

    await see(page.getByRole('heading', { level: 1, name: 'Overview' }), 'the overview after setup');
    await see(page.getByText(ADMIN.email).first(), 'the signed-in admin');
    expect(page.url()).not.toContain('token=');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(ADMIN.email, 'not the password');
    const error = await see(page.getByRole('alert'), 'an error for the wrong password');
    expect((await error.innerText()).trim()).not.toBe('');
    await screenshot('wrong-password');
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' }).count()).resolves.toBe(0);

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Overview' }), 'the overview after signing in');
  });

  test('the overview shows the database as ok', async () => {
    await openPage('Overview');
    const row = await see(page.getByRole('table', { name: 'Service health' }).getByRole('row', { name: /Database/ }), 'the database health row');
    expect(await row.innerText()).toMatch(/\bok\b/);
    await screenshot('overview');
  });

  test('creates an API key, shows its secret once, lists it and revokes it', async () => {
    await openPage('API keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Name').fill('ci deploy');
    await page.getByRole('checkbox', { name: /records:read/ }).check();
    await page.getByRole('checkbox', { name: /files:write/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();

    const secretBox = await see(page.getByRole('region', { name: 'New API key secret' }), 'the new key secret');
    expect(await secretBox.innerText()).toContain('You will not see it again');
    const secret = await page.getByRole('textbox', { name: 'API key secret' }).inputValue();
    expect(secret.length).toBeGreaterThan(16);

    const row = await see(page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /ci deploy/ }), 'the key in the list');
    const rowText = await row.innerText();
    expect(rowText).toContain('records:read');
    expect(rowText).toContain('files:write');
    expect(rowText).not.toContain(secret);
    await screenshot('api-key-created');

    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('body').innerText()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await see(page.getByRole('status').filter({ hasText: 'revoked' }), 'the revocation notice');
    await page.getByRole('row', { name: /ci deploy/ }).waitFor({ state: 'detached' });
  });

  test('a changed minimum password length is still there after a reload', async () => {
    await openPage('Settings');
    const input = await see(page.getByLabel('Minimum password length'), 'the password length field');
    const next = String(Number(await input.inputValue()) + 3);
    await input.fill(next);
    await page.getByRole('button', { name: 'Save auth settings' }).click();
    await see(page.getByRole('status').filter({ hasText: 'Auth settings saved' }), 'the saved notice');

    await page.reload();
    await see(page.getByRole('heading', { level: 1, name: 'Settings' }), 'the settings page after reload');
    expect(await page.getByLabel('Minimum password length').inputValue()).toBe(next);
    await screenshot('settings');
  });

  test('a test email shows up in the mail outbox', async () => {
    await openPage('Mail');
    await page.getByLabel('To').fill('someone@example.com');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await see(page.getByRole('status').filter({ hasText: 'queued' }), 'the queued notice');

    const row = await see(page.getByRole('table', { name: 'Outbox' }).getByRole('row', { name: /someone@example\.com/ }), 'the test email in the outbox', 20_000);
    await row.getByRole('link').click();
    const message = await see(page.getByRole('article', { name: 'Message' }), 'the message');
    expect(await message.innerText()).toContain('someone@example.com');
    const html = page.locator('iframe.mail-html');
    if ((await html.count()) > 0) expect(await html.getAttribute('sandbox')).toBe('');
    await screenshot('mail');
  });

  test('the logs show requests, and an invalid filter shows its error under the input', async () => {
    await openPage('Logs');
    const log = page.getByRole('table', { name: 'Request log' });
    await see(log.getByRole('cell', { name: /\/api\/admin\// }), 'admin requests in the log');

    await page.getByRole('textbox', { name: 'Filter', exact: true }).fill('status >= ');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const error = await see(page.locator('#logs-filter-error'), 'the filter error');
    expect((await error.innerText()).trim()).not.toBe('');
    expect(await page.getByRole('textbox', { name: 'Filter', exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot('logs-invalid-filter');

    await page.getByRole('textbox', { name: 'Filter', exact: true }).fill("method = 'POST'");
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#logs-filter-error').waitFor({ state: 'detached' });
    await see(log.getByRole('row', { name: /POST/ }), 'POST requests');
    const methods = await log.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(methods.length).toBeGreaterThan(0);
    expect(new Set(methods.map((m) => m.trim()))).toEqual(new Set(['POST']));
  });

  test('a token the server rejects signs out', async () => {
    await page.evaluate(() => localStorage.setItem('basalt.adminToken', 'not-a-valid-token'));
    await page.reload();
    await see(page.getByRole('heading', { name: 'Sign in' }), 'the sign-in form');
  });
});
