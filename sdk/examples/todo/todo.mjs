// A to-do list against a running Basalt (`npm start` at the repository root), from Node 20:
// auth, CRUD, a realtime subscription and a file upload with progress.
//
//   BASALT_ADMIN_EMAIL=... BASALT_ADMIN_PASSWORD=... node sdk/examples/todo/todo.mjs
//
// The admin credentials are used once, to create the `todos` collection and the `attachments`
// bucket if they do not exist yet; everything else runs as an ordinary (anonymous) user.
import { createClient, BasaltError } from '@basalt/sdk';

const url = process.env.BASALT_URL ?? 'http://127.0.0.1:8090';
const basalt = createClient(url);

async function ensureSchema() {
  const email = process.env.BASALT_ADMIN_EMAIL;
  const password = process.env.BASALT_ADMIN_PASSWORD;
  if (!email || !password) throw new Error('set BASALT_ADMIN_EMAIL and BASALT_ADMIN_PASSWORD (an admin of the server) to create the schema');
  const ops = createClient(url);
  await ops.admin.signIn(email, password);
  const owner = "owner = @request.auth.id";
  try {
    await ops.admin.collections.create({
      name: 'todos',
      fields: [
        { name: 'title', type: 'text', required: true, max: 200 },
        { name: 'done', type: 'boolean', default: false },
        { name: 'owner', type: 'relation', collection: 'users', required: true },
        { name: 'attachment', type: 'file', bucket: 'attachments' },
      ],
      rules: { list: owner, view: owner, create: `@request.auth.id != '' && ${owner}`, update: owner, delete: owner },
    });
  } catch (e) {
    if (!(e instanceof BasaltError && e.code === 'conflict')) throw e;
  }
  try {
    await ops.admin.buckets.create({ name: 'attachments', maxFileSize: 5 * 1024 * 1024, rules: { list: owner, read: owner, create: "@request.auth.id != ''", delete: owner } });
  } catch (e) {
    if (!(e instanceof BasaltError && e.code === 'conflict')) throw e;
  }
}

await ensureSchema();

// 1. Auth: an anonymous account (upgrade later with basalt.auth.linkPassword).
const { user } = await basalt.auth.signInAnonymously();
console.log(`signed in as ${user.id} (anonymous)`);

// 2. Realtime: see our own changes arrive.
const todos = basalt.collection('todos');
const seen = [];
const sub = await todos.subscribe({}, (e) => {
  seen.push(e.action);
  console.log(`realtime: ${e.action} ${e.action === 'delete' ? e.record.id : JSON.stringify({ title: e.record.title, done: e.record.done })}`);
});

// 3. A file, with upload progress.
const notes = new TextEncoder().encode('Milk, eggs, bread.\n'.repeat(20_000));
const file = await basalt.storage.bucket('attachments').upload(notes, {
  name: 'shopping.txt',
  onProgress: ({ loaded, total }) => process.stdout.write(`\rupload: ${Math.round((100 * loaded) / total)}%`),
});
console.log(`\nuploaded ${file.name} (${file.size} bytes, ${file.contentType})`);

// 4. CRUD.
const milk = await todos.create({ title: 'Buy milk', owner: user.id, attachment: file.id });
await todos.create({ title: 'Water the plants', owner: user.id });
await todos.update(milk.id, { done: true }, { ifMatch: milk });
const open = await todos.list({ filter: basalt.filter('done = {:done}', { done: false }), sort: 'title' });
console.log(`open: ${open.items.map((t) => t.title).join(', ')}`);
for await (const t of todos.iterate({ sort: '-createdAt' })) console.log(`- [${t.done ? 'x' : ' '}] ${t.title}`);
const link = await basalt.storage.bucket('attachments').signedUrl(file.id, { expiresIn: 600 });
console.log(`attachment link (10 minutes): ${link.url}`);
await todos.delete(milk.id);

// Give the last events a moment, then clean up.
const deadline = Date.now() + 5000;
while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await sub.unsubscribe();
basalt.realtime.close();
console.log(`realtime events: ${seen.join(', ')}`);
