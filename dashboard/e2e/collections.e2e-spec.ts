/**
 * Collections and records as an admin works with them in the dashboard: Debian's Chromium, driven
 * by playwright-core, against a live server from the testkit on the embedded drivers. The scenarios
 * run in order on one page, building on each other like a person's session.
 */
import { startBasalt, TEST_ADMIN } from '@basalt/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot as saveScreenshot, see as seeOn, seeToast, serverApi } from './browser.js';


let server: Awaited<ReturnType<typeof startBasalt>> | undefined;
let browser: Browser | undefined;
let page: Page;
const see = (locator: Locator, what: string, timeout?: number) => seeOn(page, locator, what, timeout);
const screenshot = (name: string) => saveScreenshot(page, `collections-${name}`);
let adminToken = '';

beforeAll(async () => {
  server = await startBasalt({ drivers: 'embedded' });
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

const fieldGroup = (n: number) => page.getByRole('group', { name: `Field ${n}`, exact: true });
const recordsTable = () => page.getByRole('table', { name: 'Records of notes' });

/** The text of one column of the records table, by its header. */
async function column(name: string): Promise<string[]> {
  const headers = (await recordsTable().locator('thead th').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
  const index = headers.indexOf(name);
  if (index < 0) throw new Error(`No column ${name} in ${headers.join(', ')}`);
  return (await recordsTable().locator(`tbody tr td:nth-child(${index + 1})`).allInnerTexts()).map((t) => t.trim());
}

async function addField(type: string, name: string): Promise<Locator> {
  await page.getByLabel('New field type').selectOption(type);
  await page.getByRole('button', { name: 'Add field' }).click();
  const count = await page.getByRole('group', { name: /^Field \d+$/ }).count();
  const group = fieldGroup(count);
  await group.getByLabel('Name', { exact: true }).fill(name);
  return group;
}

async function openSchema(): Promise<void> {
  await page.getByRole('navigation', { name: 'Collection notes' }).getByRole('link', { name: 'Schema' }).click();
  await see(page.getByRole('form', { name: 'Schema of notes' }), 'the schema editor of notes');
}

async function openRecords(): Promise<void> {
  await page.getByRole('navigation', { name: 'Collection notes' }).getByRole('link', { name: 'Records' }).click();
  await see(page.getByRole('form', { name: 'Filter records' }), 'the records browser of notes');
}

async function applyFilter(filter: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill(filter);
  await page.getByRole('button', { name: 'Apply' }).click();
}

describe('collections and records in the dashboard', () => {
  test('signs in and lists the built-in users collection', async () => {
    await page.goto(new URL('/_/', server!.url).toString());
    await see(page.getByRole('heading', { name: 'Sign in' }), 'the sign-in form');
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collections', exact: true }).click();
    await see(page.getByRole('heading', { level: 1, name: 'Collections', exact: true }), 'the Collections page');
    const users = await see(page.getByRole('table', { name: 'Collections' }).getByRole('row', { name: /users/ }), 'the users collection');
    expect(await users.innerText()).toMatch(/auth/);
    await screenshot('list');
  });

  test('creates notes with title, done and tags, after showing the error for a bad field name', async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    const form = await see(page.getByRole('form', { name: 'New collection' }), 'the new collection form');
    await form.getByLabel('Collection name').fill('notes');
    const title = await addField('text', 'title');
    await title.getByRole('checkbox', { name: 'Required' }).check();
    await addField('boolean', 'done');
    const tags = await addField('select', 'Tags!');
    await tags.getByLabel('Values').fill('work, home, urgent');
    await tags.getByRole('checkbox', { name: /Multiple/ }).check();
    await page.getByRole('button', { name: 'Create collection' }).click();

    const error = await see(tags.locator('.field-error'), 'the error under the bad field name');
    expect(await error.innerText()).toContain('must match');
    expect(await title.locator('.field-error').count()).toBe(0);
    await screenshot('validation-error');
    expect((await api('GET', '/api/collections/notes')).status).toBe(404);

    await tags.getByLabel('Name', { exact: true }).fill('tags');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await toast('Collection notes created', 'the created notice');
    await see(page.getByRole('heading', { level: 1, name: 'notes' }), 'the notes schema page');

    const created = (await api('GET', '/api/collections/notes')).body as { fields: Array<Record<string, unknown>> };
    expect(created.fields.map((f) => [f.name, f.type])).toEqual([['title', 'text'], ['done', 'boolean'], ['tags', 'select']]);
    expect(created.fields[0].required).toBe(true);
    expect(created.fields[2]).toMatchObject({ values: ['work', 'home', 'urgent'], multiple: true });
    await screenshot('schema');
  });

  test('adds two records through the form, showing the server’s message for a missing title', async () => {
    await openRecords();
    await see(page.getByText('No records in notes yet.'), 'the empty records list');

    await page.getByRole('button', { name: 'New record' }).click();
    let form = await see(page.getByRole('form', { name: 'New notes record' }), 'the new record form');
    await form.getByRole('checkbox', { name: 'done' }).check();
    await form.getByRole('button', { name: 'Create record' }).click();
    expect(await (await see(page.locator('#record-title-error'), 'the error under title')).innerText()).toContain('required');
    await screenshot('record-form');

    await form.getByLabel('title').fill('Buy milk');
    await form.getByRole('checkbox', { name: 'home' }).check();
    await form.getByRole('button', { name: 'Create record' }).click();
    await toast('Record created in notes', 'the created notice');
    await form.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'New record' }).click();
    form = await see(page.getByRole('form', { name: 'New notes record' }), 'the new record form');
    await form.getByLabel('title').fill('Write report');
    await form.getByRole('checkbox', { name: 'work' }).check();
    await form.getByRole('checkbox', { name: 'urgent' }).check();
    await form.getByRole('button', { name: 'Create record' }).click();
    await form.waitFor({ state: 'detached' });

    await see(recordsTable().getByRole('row', { name: /Write report/ }), 'the second record');
    expect(await column('title')).toEqual(['Buy milk', 'Write report']);
    expect(await column('tags')).toEqual(['home', 'work, urgent']);
    await see(page.getByText('2 records.'), 'the total');
    await screenshot('records');
  });

  test('filters with done = true, and shows a bad filter’s error under the input', async () => {
    await applyFilter('done = ');
    const error = await see(page.locator('#records-filter-error'), 'the filter error');
    expect(await error.innerText()).toMatch(/position|character/);
    await screenshot('filter-error');

    await applyFilter('done = true');
    await page.locator('#records-filter-error').waitFor({ state: 'detached' });
    await see(page.getByText('1 record matches the filter.'), 'the filtered total');
    expect(await column('title')).toEqual(['Buy milk']);

    await applyFilter('');
    await see(page.getByText('2 records.'), 'both records again');
  });

  test('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    await recordsTable().getByRole('button', { name: /^title/ }).click();
    await see(recordsTable().locator('th[aria-sort="ascending"]'), 'the ascending title column');
    expect(await column('title')).toEqual(['Buy milk', 'Write report']);
    await recordsTable().getByRole('button', { name: /^title/ }).click();
    await see(recordsTable().locator('th[aria-sort="descending"]'), 'the descending title column');
    await expect(column('title')).resolves.toEqual(['Write report', 'Buy milk']);
  });

  test('edits a record with If-Match, and offers to reload when it changed meanwhile', async () => {
    await recordsTable().getByRole('row', { name: /Write report/ }).getByRole('button', { name: 'Edit' }).click();
    const form = await see(page.getByRole('form', { name: 'Edit record' }), 'the edit form');
    await see(form.getByLabel('title'), 'the loaded title');
    expect(await form.getByLabel('title').inputValue()).toBe('Write report');
    const id = (await form.locator('.card-title code').innerText()).trim();

    // Someone else changes the record after the form loaded it.
    expect((await api('PATCH', `/api/collections/notes/records/${id}`, { tags: ['work'] })).status).toBe(200);
    await form.getByLabel('title').fill('Write the report');
    await form.getByRole('button', { name: 'Save record' }).click();
    await see(page.getByRole('alert').filter({ hasText: 'ETag' }), 'the conflict toast');
    await form.getByRole('button', { name: 'Reload the record' }).click();
    await see(form.getByRole('checkbox', { name: 'urgent', checked: false }), 'the reloaded tags');
    expect(await form.getByLabel('title').inputValue()).toBe('Write report');
    await screenshot('record-edit');

    await form.getByLabel('title').fill('Write the report');
    await form.getByRole('checkbox', { name: 'done' }).check();
    await form.getByRole('button', { name: 'Save record' }).click();
    await toast('Record saved', 'the saved notice');
    await see(recordsTable().getByRole('row', { name: /Write the report/ }), 'the edited record');
    const stored = (await api('GET', `/api/collections/notes/records/${id}`)).body as Record<string, unknown>;
    expect(stored).toMatchObject({ title: 'Write the report', done: true, tags: ['work'] });
  });

  test('shows an invalid rule expression’s error with its position under the rule', async () => {
    await openSchema();
    await page.getByRole('combobox', { name: 'View rule', exact: true }).selectOption('expression');
    await page.getByLabel('View rule expression').fill('done = ');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const error = await see(page.locator('#rule-view-error'), 'the rule error');
    expect(await error.innerText()).toMatch(/position|character/);
    await screenshot('rule-error');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await see(page.getByRole('combobox', { name: 'View rule', exact: true }), 'the rules again');
    expect(await page.getByRole('combobox', { name: 'View rule', exact: true }).inputValue()).toBe('admins');
  });

  test('renames the title field after a confirmation, keeping every value', async () => {
    await fieldGroup(1).getByLabel('Name', { exact: true }).fill('heading');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const dialog = await see(page.getByRole('dialog', { name: 'Save these changes?' }), 'the confirmation dialog');
    expect(await dialog.innerText()).toContain('Rename the field “title” to “heading”');
    await screenshot('confirm-rename');
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await toast('Collection notes saved', 'the saved notice');

    await openRecords();
    await see(recordsTable(), 'the records');
    expect((await column('heading')).sort()).toEqual(['Buy milk', 'Write the report']);
  });

  test('deletes a record after confirming', async () => {
    const row = recordsTable().getByRole('row', { name: /Buy milk/ });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await toast('deleted', 'the deleted notice');
    await row.waitFor({ state: 'detached' });
    await see(page.getByText('1 record.'), 'the new total');
    const list = (await api('GET', '/api/collections/notes/records')).body as { items: Array<Record<string, unknown>> };
    expect(list.items.map((r) => r.heading)).toEqual(['Write the report']);
  });

  test('opening the list rule to everyone lets a guest list the records', async () => {
    expect((await api('GET', '/api/collections/notes/records', undefined, '')).status).toBe(403);
    await openSchema();
    await page.getByRole('combobox', { name: 'List rule', exact: true }).selectOption('everyone');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await toast('Collection notes saved', 'the saved notice');

    const guest = await api('GET', '/api/collections/notes/records', undefined, '');
    expect(guest.status).toBe(200);
    expect((guest.body as { items: unknown[] }).items).toHaveLength(1);
  });

  test('pages through the records with Load more', async () => {
    for (let i = 1; i <= 11; i++) {
      expect((await api('POST', '/api/collections/notes/records', { heading: `Note ${String(i).padStart(2, '0')}` })).status).toBe(201);
    }
    await openRecords();
    await page.getByLabel('Per page').selectOption('10');
    await see(page.getByText('Showing 10 of 12'), 'the first page');
    await page.getByRole('button', { name: 'Load more' }).click();
    await see(page.getByText('Showing 12 of 12'), 'both pages');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const headings = await column('heading');
    expect(new Set(headings).size).toBe(12);
    expect(headings[0]).toBe('Write the report');
  });

  test('shows the built-in users collection read-only except hidden', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collections', exact: true }).click();
    await page.getByRole('table', { name: 'Collections' }).getByRole('row', { name: /users/ }).getByRole('link', { name: 'Edit schema' }).click();
    const form = await see(page.getByRole('form', { name: 'Schema of users' }), 'the users schema');
    expect(await form.getByLabel('Collection name').isDisabled()).toBe(true);
    const email = fieldGroup(1);
    expect(await email.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    expect(await email.getByRole('checkbox', { name: 'Hidden' }).isEnabled()).toBe(true);
    expect(await email.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    await see(page.getByText('cannot be renamed or deleted'), 'the note that users cannot be deleted');
    await screenshot('users');
  });

  test('deletes a collection only after its name is typed', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Collections', exact: true }).click();
    await page.getByRole('table', { name: 'Collections' }).getByRole('row', { name: /notes/ }).getByRole('link', { name: 'Edit schema' }).click();
    await page.getByRole('button', { name: 'Delete collection…' }).click();
    const confirm = page.getByRole('button', { name: 'Delete notes forever' });
    await page.getByLabel('Type “notes” to confirm').fill('note');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel('Type “notes” to confirm').fill('notes');
    await confirm.click();
    await toast('Collection notes deleted', 'the deleted notice');
    await see(page.getByRole('heading', { level: 1, name: 'Collections', exact: true }), 'the Collections page');
    await page.getByRole('table', { name: 'Collections' }).getByRole('row', { name: /notes/ }).waitFor({ state: 'detached' });
    expect((await api('GET', '/api/collections/notes')).status).toBe(404);
  });
});
