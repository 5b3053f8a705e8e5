/**
 * The Push page (messages, devices) and the push provider settings as an admin uses them: Debian's
 * Chromium, driven by playwright-core, against a live server from the testkit (drivers from
 * BASALT_TEST_DRIVERS, embedded by default). The scenarios run in order on one page.
 */
import { startBasalt, TEST_ADMIN } from '@basalt/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot as saveScreenshot, see as seeOn, seeToast, serverApi } from './browser.js';

let server: Awaited<ReturnType<typeof startBasalt>> | undefined;
let browser: Browser | undefined;
let page: Page;
let adminToken = '';
const see = (locator: Locator, what: string, timeout?: number) => seeOn(page, locator, what, timeout);
const screenshot = (name: string) => saveScreenshot(page, `push-${name}`);

beforeAll(async () => {
  server = await startBasalt();
  ({ browser, page } = await launchBrowser({ width: 1280, height: 900 }));
  const auth = await api('POST', '/api/admin/auth', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }, '');
  adminToken = (auth.body as { token: string }).token;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const api = serverApi(() => server!.url, () => adminToken);
const toast = (text: string | RegExp, what: string) => seeToast(page, text, what);

interface Message { id: string; status: string; counts: Record<string, number>; notification: { title: string }; sendAt: string | null }
const messagesTable = () => page.getByRole('table', { name: 'Push messages' });
const messageRow = (title: string) => messagesTable().getByRole('row', { name: new RegExp(title) });
async function messageByTitle(title: string): Promise<Message> {
  const list = (await api('GET', '/api/push/messages')).body as { items: Message[] };
  const found = list.items.find((m) => m.notification.title === title);
  if (!found) throw new Error(`no message titled ${title}`);
  return found;
}

async function openSendForm(): Promise<Locator> {
  await page.getByRole('button', { name: 'Send a message' }).click();
  return see(page.getByRole('form', { name: 'Send a push message' }), 'the send form');
}

describe('push in the dashboard', () => {
  test('signs in and opens the empty Push page', async () => {
    await page.goto(new URL('/_/', server!.url).toString());
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Push', exact: true }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Push' }), 'the Push page');
    await see(page.getByText('No messages sent yet.'), 'the empty message list');
  });

  test('shows the server\'s field errors: no target, a reserved data key', async () => {
    const form = await openSendForm();
    await form.getByLabel('Title').fill('Broken');
    await form.getByLabel('Body').fill('Never sent');
    await form.getByRole('button', { name: 'Send' }).click();
    await see(form.getByText(/Target: name at least one of users, topics or devices/), 'the missing target error');

    await form.getByLabel('Topics').fill('news');
    await form.getByLabel('Data (optional JSON object)').fill('{"from": "me"}');
    await form.getByRole('button', { name: 'Send' }).click();
    const error = await see(form.locator('#push-data-error'), 'the error under data');
    expect(await error.innerText()).toContain('from: is a reserved key');
    await screenshot('field-errors');
    expect(((await api('GET', '/api/push/messages')).body as { items: unknown[] }).items).toHaveLength(0);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  test('sends to a topic with no devices and sees it done with counts 0', async () => {
    const form = await openSendForm();
    await form.getByLabel('Topics').fill('nobody-listens');
    await form.getByLabel('Title').fill('Hello nobody');
    await form.getByLabel('Body').fill('Is anyone there?');
    await form.getByLabel('Data (optional JSON object)').fill('{"orderId": "42"}');
    await form.getByRole('button', { name: 'Send' }).click();
    await toast(/queued/, 'the queued notice');

    const row = messageRow('Hello nobody');
    await see(row.getByText('done', { exact: true }), 'the message done', 30_000);
    const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(1, 7)).toEqual(['topics: nobody-listens', 'done', '0', '0', '0', '0']);
    expect(await row.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    const sent = await messageByTitle('Hello nobody');
    expect(sent).toMatchObject({ status: 'done', counts: { targeted: 0, sent: 0, failed: 0, invalidTokens: 0 } });
    expect(((await api('GET', `/api/push/messages/${sent.id}`)).body as { data: unknown }).data).toEqual({ orderId: '42' });
  });

  test('schedules a message for tomorrow and cancels it', async () => {
    const form = await openSendForm();
    await form.getByLabel('Topics').fill('later');
    await form.getByLabel('Title').fill('Tomorrow');
    await form.getByLabel('Body').fill('See you then');
    const tomorrow = await page.evaluate(() => {
      const d = new Date(Date.now() + 24 * 3600 * 1000);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    });
    await form.getByLabel('Send at (optional)').fill(tomorrow);
    await form.getByRole('button', { name: 'Schedule' }).click();
    await toast(/scheduled/, 'the scheduled notice');

    const row = await see(messageRow('Tomorrow'), 'the scheduled message');
    await see(row.getByText('queued', { exact: true }), 'its queued status');
    const scheduled = await messageByTitle('Tomorrow');
    expect(scheduled.status).toBe('queued');
    expect(Math.abs(new Date(scheduled.sendAt!).getTime() - (Date.now() + 24 * 3600 * 1000))).toBeLessThan(10 * 60 * 1000);

    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Yes, cancel it' }).click();
    await toast(/cancelled/, 'the cancelled notice');
    await see(messageRow('Tomorrow').getByText('cancelled', { exact: true }), 'the cancelled status');
    expect((await messageByTitle('Tomorrow')).status).toBe('cancelled');
    await screenshot('messages');

    await page.getByLabel('Status').selectOption('cancelled');
    // The done message leaves the list once the filtered page arrives; the cancelled one stays.
    await messageRow('Hello nobody').waitFor({ state: 'detached' });
    await see(messageRow('Tomorrow'), 'the cancelled message under its status');
    await page.getByLabel('Status').selectOption('');
  });

  test('lists the registered devices, filtered by topic', async () => {
    const registered = await api('POST', '/api/push/devices', { platform: 'fcm', token: 'fcm-token-dashboard-1', topics: ['news', 'sports'] }, '');
    expect(registered.status).toBe(201);
    await page.getByRole('navigation', { name: 'Push' }).getByRole('link', { name: 'Devices' }).click();
    const devices = page.getByRole('table', { name: 'Devices' });
    const row = await see(devices.getByRole('row', { name: /fcm-token-dashboard-1/ }), 'the registered device');
    expect(await row.innerText()).toMatch(/fcm[\s\S]*guest[\s\S]*news[\s\S]*sports/);

    await page.getByLabel('Topic').fill('weather');
    await page.getByRole('button', { name: 'Apply' }).click();
    await see(page.getByText('No devices registered.'), 'no device for another topic');
    await page.getByLabel('Topic').fill('sports');
    await page.getByRole('button', { name: 'Apply' }).click();
    await see(devices.getByRole('row', { name: /fcm-token-dashboard-1/ }), 'the device under its topic');
  });

  test('the settings page takes Web Push credentials and keeps the private key write-only', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const form = await see(page.getByRole('form', { name: 'webpush push settings' }), 'the Web Push settings');
    await form.getByLabel('VAPID public key').fill('BPublicKeyForTheDashboardTest');
    await form.getByLabel('VAPID private key').fill('private-key-for-the-test');
    await form.getByLabel('Subject').fill('admin@example.com');
    await form.getByRole('button', { name: 'Save webpush settings' }).click();
    const error = await see(form.locator('#webpush-subject-error'), 'the error under subject');
    expect(await error.innerText()).toContain('mailto:');

    await form.getByLabel('Subject').fill('mailto:admin@example.com');
    await form.getByRole('button', { name: 'Save webpush settings' }).click();
    await toast('Web Push settings saved', 'the saved notice');
    const stored = ((await api('GET', '/api/admin/settings')).body as { push: { webpush: Record<string, string> } }).push.webpush;
    expect(stored).toEqual({ vapidPublicKey: 'BPublicKeyForTheDashboardTest', vapidPrivateKey: '********', subject: 'mailto:admin@example.com' });

    await page.reload();
    const reloaded = await see(page.getByRole('form', { name: 'webpush push settings' }), 'the Web Push settings after reload');
    expect(await reloaded.getByLabel('VAPID private key').inputValue()).toBe('');
    expect(await reloaded.getByLabel('VAPID private key').getAttribute('placeholder')).toBe('********');
    await see(reloaded.getByText(/A value is stored and hidden/), 'the masked secret hint');
    // Saving again without typing the secret keeps it.
    await reloaded.getByLabel('Subject').fill('https://example.com/contact');
    await reloaded.getByRole('button', { name: 'Save webpush settings' }).click();
    await toast('Web Push settings saved', 'the second saved notice');
    const key = (await api('GET', '/api/push/webpush/key', undefined, '')).body as { vapidPublicKey: string };
    expect(key.vapidPublicKey).toBe('BPublicKeyForTheDashboardTest');
    await screenshot('settings');
  });
});
