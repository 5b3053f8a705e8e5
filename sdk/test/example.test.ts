import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Live, TEST_ADMIN } from './support/live';

/* sdk/examples/todo runs against a live server, from the repository root, as its README says. */

const run = promisify(execFile);
let live: Live;
beforeAll(async () => {
  live = await Live.start();
});
afterAll(async () => {
  await live?.stop();
});

it('the todo example runs: auth, upload with progress, CRUD and the realtime events', async () => {
  const { stdout } = await run(process.execPath, ['sdk/examples/todo/todo.mjs'], {
    cwd: resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', BASALT_URL: live.url, BASALT_ADMIN_EMAIL: TEST_ADMIN.email, BASALT_ADMIN_PASSWORD: TEST_ADMIN.password },
    timeout: 30_000,
  });
  expect(stdout).toMatch(/signed in as \S+ \(anonymous\)/);
  expect(stdout).toContain('upload: 100%');
  expect(stdout).toContain('uploaded shopping.txt (380000 bytes, text/plain)');
  expect(stdout).toContain('open: Water the plants');
  expect(stdout).toContain('realtime events: create, create, update, delete');
});
