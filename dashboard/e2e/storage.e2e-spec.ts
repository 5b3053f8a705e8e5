/**
 * The Storage page as an admin uses it: Debian's Chromium, driven by playwright-core, against a live
 * server from the testkit (drivers from BASALT_TEST_DRIVERS, embedded by default). The scenarios run in
 * order on one page, building on each other like a person's session.
 */
import { startBasalt, TEST_ADMIN } from '@basalt/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot as saveScreenshot, see as seeOn, seeToast, serverApi } from './browser.js';

let server: Awaited<ReturnType<typeof startBasalt>> | undefined;
let browser: Browser | undefined;
let page: Page;
let adminToken = '';
const see = (locator: Locator, what: string, timeout?: number) => seeOn(page, locator, what, timeout);
const screenshot = (name: string) => saveScreenshot(page, `storage-${name}`);
const CONTENT = 'Hello from the storage page.\n';

beforeAll(async () => {
  server = await startBasalt();
  ({ browser, page } = await launchBrowser({ width: 1280, height: 900 }));
  const auth = await api('POST', '/api/admin/auth', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  adminToken = (auth.body as { token: string }).token;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const api = serverApi(() => server!.url, () => adminToken);
const toast = (text: string | RegExp, what: string) => seeToast(page, text, what);

const filesTable = () => page.getByRole('table', { name: 'Files of docs' });
const ruleGroup = (label: string) => page.getByRole('group', { name: `${label} rule`, exact: true });

describe('storage in the dashboard', () => {
  test('signs in and lists the built-in avatars bucket', async () => {
    await page.goto(new URL('/_/', server!.url).toString());
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Storage', exact: true }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Storage' }), 'the Storage page');
    const avatars = await see(page.getByRole('table', { name: 'Buckets' }).getByRole('row', { name: /avatars/ }), 'the avatars bucket');
    expect(await avatars.innerText()).toMatch(/public[\s\S]*5 MB[\s\S]*image\/\*/);
  });

  test('a bad rule shows its error under the rule and creates nothing; fixed, the bucket is created', async () => {
    await page.getByRole('button', { name: 'New bucket' }).click();
    const form = await see(page.getByRole('form', { name: 'New bucket' }), 'the new bucket form');
    await form.getByLabel('Bucket name').fill('docs');
    await form.getByLabel('Max file size (MB)').fill('1');
    await ruleGroup('List').getByRole('combobox').selectOption('expression');
    await ruleGroup('List').getByLabel('List rule expression').fill('owner = = @request.auth.id');
    await ruleGroup('Read').getByRole('combobox').selectOption('everyone');
    await form.getByRole('button', { name: 'Create bucket' }).click();

    const error = await see(ruleGroup('List').locator('.field-error'), 'the error under the list rule');
    expect(await error.innerText()).toMatch(/rules\.list: .*position 8/);
    expect(await error.locator('.filter-caret').innerText()).toBe('owner = = @request.auth.id\n        ^');
    expect(await ruleGroup('Read').locator('.field-error').count()).toBe(0);
    expect(await ruleGroup('List').getByLabel('List rule expression').getAttribute('aria-invalid')).toBe('true');
    await screenshot('bad-rule');
    expect((await api('GET', '/api/storage/buckets/docs')).status).toBe(404);

    await ruleGroup('List').getByLabel('List rule expression').fill('owner = @request.auth.id');
    await form.getByRole('button', { name: 'Create bucket' }).click();
    await toast('Bucket docs created', 'the created notice');
    await see(page.getByRole('heading', { level: 1, name: 'docs' }), 'the docs bucket page');
    const created = (await api('GET', '/api/storage/buckets/docs')).body as Record<string, unknown>;
    expect(created).toMatchObject({ name: 'docs', public: false, maxFileSize: 1024 * 1024, allowedTypes: [], rules: { list: 'owner = @request.auth.id', read: '', create: null, delete: null } });
  });

  test('a bad allowed type shows the field error when editing the settings', async () => {
    await page.getByRole('button', { name: 'Edit settings' }).click();
    const form = await see(page.getByRole('form', { name: 'Settings of docs' }), 'the bucket settings form');
    await form.getByLabel('Allowed types').fill('text/plain, not a type');
    await form.getByRole('button', { name: 'Save bucket' }).click();
    const error = await see(form.locator('#bucket-types-error'), 'the error under allowed types');
    expect(await error.innerText()).toMatch(/content types/);
    expect(((await api('GET', '/api/storage/buckets/docs')).body as { allowedTypes: string[] }).allowedTypes).toEqual([]);

    await form.getByLabel('Allowed types').fill('text/plain, image/*');
    await form.getByRole('button', { name: 'Save bucket' }).click();
    await toast('Bucket docs saved', 'the saved notice');
    expect(((await api('GET', '/api/storage/buckets/docs')).body as { allowedTypes: string[] }).allowedTypes).toEqual(['text/plain', 'image/*']);
  });

  test('uploads a file and sees it listed, with a signed download link that works', async () => {
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from(CONTENT) });
    await page.getByLabel('Metadata (optional JSON object)').fill('{"kind": "greeting"}');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await toast(/Uploaded hello\.txt/, 'the uploaded notice');

    const row = await see(filesTable().getByRole('row', { name: /hello\.txt/ }), 'hello.txt in the files table');
    expect(await row.innerText()).toContain('text/plain');
    const listed = (await api('GET', '/api/storage/buckets/docs/files')).body as { items: Array<{ name: string; size: number; metadata: unknown }> };
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ name: 'hello.txt', size: Buffer.byteLength(CONTENT), metadata: { kind: 'greeting' } });
    await see(page.getByText('1 file,'), 'the file count in the header');

    await row.getByRole('button', { name: 'Get link' }).click();
    const link = await see(row.getByRole('link', { name: 'Download' }), 'the download link');
    const url = (await link.getAttribute('href'))!;
    expect(url).toMatch(/\/content\?expires=\d+&signature=/);
    const download = await fetch(url); // no credentials: the signature is the permission
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(CONTENT);
    await screenshot('uploaded');
  });

  test('filters the files, and shows a bad filter under the input', async () => {
    const filter = page.getByRole('textbox', { name: 'Filter', exact: true });
    await filter.fill("name = 'other.txt'");
    await page.getByRole('button', { name: 'Apply' }).click();
    await see(page.getByText('No files match the filter.'), 'the empty filtered list');

    await filter.fill('size >');
    await page.getByRole('button', { name: 'Apply' }).click();
    const error = await see(page.locator('#files-filter-error'), 'the filter error');
    expect((await error.innerText()).trim()).not.toBe('');

    await filter.fill("metadata.kind = 'greeting'");
    await page.getByRole('button', { name: 'Apply' }).click();
    await see(filesTable().getByRole('row', { name: /hello\.txt/ }), 'hello.txt matching its metadata');
  });

  test('pages through the files with the cursor', async () => {
    await page.getByRole('textbox', { name: 'Filter', exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    for (let i = 0; i < 30; i++) {
      const form = new FormData();
      form.append('file', new Blob([`file ${i}\n`], { type: 'text/plain' }), `bulk-${String(i).padStart(2, '0')}.txt`);
      const res = await fetch(new URL('/api/storage/buckets/docs/files', server!.url), { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: form });
      expect(res.status).toBe(201);
    }
    await page.getByRole('button', { name: 'Apply' }).click();
    await see(page.getByText('Showing 30'), 'the first page of 30');
    await page.getByRole('button', { name: 'Load more' }).click();
    await see(page.getByText('Showing 31'), 'all 31 files after loading more');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await see(filesTable().getByRole('row', { name: /bulk-29\.txt/ }), 'the last uploaded file');
  });

  test('deletes the file', async () => {
    const row = filesTable().getByRole('row', { name: /hello\.txt/ });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await toast('File hello.txt deleted', 'the deleted notice');
    await filesTable().getByRole('row', { name: /hello\.txt/ }).waitFor({ state: 'detached' });
    const listed = (await api('GET', "/api/storage/buckets/docs/files?filter=name%3D'hello.txt'")).body as { items: unknown[] };
    expect(listed.items).toHaveLength(0);
  });

  test('deletes the bucket', async () => {
    await page.getByRole('button', { name: 'Delete bucket' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await toast('Bucket docs deleted', 'the bucket deleted notice');
    await see(page.getByRole('heading', { level: 1, name: 'Storage' }), 'the bucket list');
    expect((await api('GET', '/api/storage/buckets/docs')).status).toBe(404);
    expect(await page.getByRole('table', { name: 'Buckets' }).getByRole('row', { name: /docs/ }).count()).toBe(0);
  });
});
