import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListResponse, RequestLogEntry } from '@basalt/contracts';
import { type BasaltProcess, apiClient, eventually, freePort, startBasalt } from '@basalt/testkit';
import { CollectionsKit, type TestUser } from './support/collections-kit.js';
import { closeAll, connect } from './support/realtime-kit.js';

/**
 * docker/compose.yml's topology without Docker: docker/nginx.conf itself (its upstreams pointed at
 * local ports instead of Compose's service names) in front of an API node and a realtime node.
 */
const NGINX_CONF = new URL('../../../docker/nginx.conf', import.meta.url);

let k: CollectionsKit;
let realtimeNode: BasaltProcess;
let proxy: { url: string; stop(): Promise<void> };
let alice: TestUser;
let posts: string;

beforeAll(async () => {
  k = await CollectionsKit.start();
  realtimeNode = await startBasalt({ shareWith: k.basalt, env: { BASALT_ROLE: 'api' } });
  proxy = await startNginx({ api: k.basalt.url, realtime: realtimeNode.url });
  alice = await k.user({ name: 'Alice' });
  const rule = 'author = @request.auth.id';
  posts = (
    await k.collection({
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collection: 'users' },
      ],
      rules: { list: rule, view: rule, create: '@request.auth.id != ""', update: null, delete: null },
    })
  ).name;
});

afterEach(() => closeAll());

afterAll(async () => {
  await proxy?.stop();
  await realtimeNode?.stop();
  await k?.stop();
});

describe('docker/nginx.conf in front of an API node and a realtime node', () => {
  it('sends HTTP to the API node with the client address the proxy forwards', async () => {
    const api = apiClient(proxy.url);
    const res = await api('GET', '/api/proxied-path', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(404);
    const entry = await eventually(async () => {
      const list = await k.api<ListResponse<RequestLogEntry>>('GET', `/api/admin/logs?filter=${encodeURIComponent("path = '/api/proxied-path'")}`, { token: k.admin });
      return list.body.items[0];
    });
    expect(entry.ip).toBe('203.0.113.9');
  });

  it.each([['websocket'], ['polling']])('holds %s sockets on the realtime node, which gets changes written through the API node', async (transport) => {
    // The previous test's socket was closed by its client: wait until the node has let it go too.
    await eventually(async () => (await socketsOn(realtimeNode.url)) === 0);
    const client = await connect(proxy.url, alice.as, { transports: [transport], upgrade: false });
    const sub = await client.subscribe({ collection: posts });
    expect(await socketsOn(realtimeNode.url)).toBe(1);
    expect(await socketsOn(k.basalt.url)).toBe(0);
    const created = await apiClient(proxy.url)<{ id: string }>('POST', `/api/collections/${posts}/records`, { token: alice.token, body: { title: 'through the proxy', author: alice.id } });
    expect(created.status).toBe(201);
    const change = await client.change(sub, created.body.id, 'create');
    expect(change.record).toMatchObject({ title: 'through the proxy', author: alice.id });
  });
});

describe('docker/nginx.conf, the headers it sends upstream', () => {
  it.each([['/api/anything'], ['/realtime/anything']])('tells the node behind it the client address, scheme and host (%s)', async (path) => {
    const seen: IncomingHttpHeaders[] = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.end(req.url === '/api/health' ? '{"status":"ok"}' : '');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const front = await startNginx({ api: url, realtime: url });
    try {
      const host = new URL(front.url).host;
      await fetch(front.url + path);
      await fetch(front.url + path, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      const [plain, forwarded] = seen.slice(-2);
      expect(plain).toMatchObject({ host, 'x-forwarded-host': host, 'x-forwarded-proto': 'http', 'x-forwarded-for': '127.0.0.1' });
      // Appended, so a node trusting only the proxy takes the proxy's peer, not what a client claims.
      expect(forwarded!['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    } finally {
      await front.stop();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

/** `basalt_realtime_sockets` of one node, from its /metrics. */
async function socketsOn(nodeUrl: string): Promise<number> {
  const res = await apiClient(nodeUrl)('GET', '/metrics', { token: k.admin });
  const line = /^basalt_realtime_sockets (\d+)$/m.exec(res.text);
  if (!line) throw new Error(`no basalt_realtime_sockets in /metrics of ${nodeUrl}`);
  return Number(line[1]);
}

async function startNginx(upstreams: { api: string; realtime: string }): Promise<{ url: string; stop(): Promise<void> }> {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('this suite runs docker/nginx.conf in a real nginx: install it (apt-get install -y nginx-light)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'basalt-nginx-'));
  const port = await freePort();
  let conf = readFileSync(NGINX_CONF, 'utf8');
  const rewrite = (from: string, to: string) => {
    if (!conf.includes(from)) throw new Error(`docker/nginx.conf no longer has "${from}": update this suite`);
    conf = conf.replace(from, to);
  };
  rewrite('server api:8090;', `server ${new URL(upstreams.api).host};`);
  rewrite('server realtime:8090;', `server ${new URL(upstreams.realtime).host};`);
  rewrite('listen 8090;', `listen 127.0.0.1:${port};`);
  // Runs unprivileged from a temp dir: no log or temp files in the system's paths.
  rewrite('http {', `http {\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;`);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  let out = '';
  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${out}`);
      return (await fetch(`${url}/api/health`).catch(() => null))?.ok;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
