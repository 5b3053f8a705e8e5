// Realtime fan-out: `subscribers` Socket.IO clients (spread over several processes, each judged by the
// collection's view rule, which reads @request.auth) on one collection; one write every `intervalMs`;
// the time from sending each write request to each delivery; and the latency of concurrent HTTP
// requests at a fixed rate, without and during the fan-out. `realtimeNodes` > 0 puts the sockets on
// nodes of their own (same deployment: database, Redis, secret), as a load balancer routing
// /realtime to realtime nodes does (docker/compose.yml); writes and GETs go to the first node.
// `target: 'floor'` measures the same with the fan-out floor (bench/floor/realtime-server.mjs).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRealtimeFloor } from '../floor/setup.mjs';
import { cpuSeconds, runLoad } from '../lib/load.mjs';
import { median, percentile } from '../lib/report.mjs';
import { api, startBasalt, TEST_ADMIN } from '../lib/services.mjs';

const SUBSCRIBER = fileURLToPath(new URL('./subscriber.mjs', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

export async function runFanout({ target = 'basalt', subscribers = 1000, processes = 4, writes = 100, warmupWrites = 20, intervalMs = 100, httpRate = 200, realtimeNodes = 0, logDir, logLevel = 'info', log = console.error, nodeArgs = [] }) {
  const t = target === 'floor' ? await floorTarget() : await basaltTarget({ realtimeNodes, logDir, logLevel, nodeArgs });
  const children = [];
  try {
    log(`fan-out (${target}): opening ${subscribers} subscribers in ${processes} processes${realtimeNodes ? ` on ${realtimeNodes} node(s) of their own` : ''}`);
    const per = Math.ceil(subscribers / processes);
    for (let p = 0; p < processes; p++) {
      const count = Math.min(per, subscribers - p * per);
      const child = fork(SUBSCRIBER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      child.send({ url: t.socketUrls[p % t.socketUrls.length], tokens: t.tokens, count, collection: 'feed' });
    }
    await Promise.all(children.map((c) => new Promise((resolve, reject) => {
      c.once('message', resolve);
      c.once('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
    })));

    const httpSpec = { url: t.url, connections: 10, overallRate: httpRate, paced: true, method: 'GET', paths: t.httpPaths };
    const httpSeconds = Math.ceil((writes * intervalMs) / 1000);
    const total = warmupWrites + writes;
    log('fan-out: HTTP latency without fan-out');
    const quiet = await runLoad({ ...httpSpec, duration: httpSeconds }, t.pid);

    // The warm-up writes run first, with the HTTP load already on: the subscriber processes' receive
    // path (and the server's send path) get compiled, and the load generator has started, before
    // the writes that are measured. Their figures are reported apart; the HTTP latency is measured
    // over the measured writes only.
    log(`fan-out: ${warmupWrites} warm-up writes, then ${writes} measured, one per ${intervalMs} ms`);
    const sentAt = new Array(total);
    const busyHttp = runLoad({ ...httpSpec, warmup: (warmupWrites * intervalMs) / 1000, duration: httpSeconds }, t.pid);
    const start = now() + 200;
    const pending = [];
    // CPU of the process(es) holding the sockets over the measured writes: what each change costs
    // them, a steadier figure than latency on a shared machine.
    const socketCpu = () => t.socketPids.reduce((s, pid) => s + cpuSeconds(pid), 0);
    let cpuBefore;
    for (let i = 0; i < total; i++) {
      const wait = start + i * intervalMs - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (i === warmupWrites) cpuBefore = socketCpu();
      sentAt[i] = now();
      pending.push(t.write({ title: `write ${i}`, n: i, published: true }));
    }
    await Promise.all(pending);
    const busy = await busyHttp;
    await new Promise((r) => setTimeout(r, 2000)); // stragglers
    const socketNodeCpuMsPerWrite = ((socketCpu() - cpuBefore) * 1000) / writes;

    const results = await Promise.all(children.map((c) => new Promise((resolve) => {
      c.once('message', resolve);
      c.send({ finish: true });
    })));
    const deliveries = results.map((r) => r.deliveries);
    const { perWriteLastMs: _, ...warmup } = writeStats(deliveries, sentAt, subscribers, 0, warmupWrites);
    return {
      target,
      subscribers,
      processes,
      realtimeNodes: t.realtimeNodes,
      ...writeStats(deliveries, sentAt, subscribers, warmupWrites, total),
      warmup,
      socketNodeCpuMsPerWrite,
      disconnected: results.reduce((s, r) => s + r.disconnected, 0),
      http: {
        rate: httpRate,
        quiet: { p50: quiet.p50, p99: quiet.p99, non2xx: quiet.non2xx },
        duringFanout: { p50: busy.p50, p99: busy.p99, non2xx: busy.non2xx },
        p50Increase: quiet.p50 ? busy.p50 / quiet.p50 - 1 : undefined,
        p99Increase: quiet.p99 ? busy.p99 / quiet.p99 - 1 : undefined,
      },
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    await t.stop();
  }
}

const FIELDS = [
  { name: 'title', type: 'text' },
  { name: 'n', type: 'number', integer: true },
  { name: 'published', type: 'boolean' },
];

/**
 * Scaled Basalt: users to subscribe as, a `feed` collection whose view rule reads @request.auth (so
 * every delivery is judged per subscriber), public `notes` for the GETs; the sockets on this node or
 * on `realtimeNodes` nodes of their own.
 */
async function basaltTarget({ realtimeNodes, logDir, logLevel, nodeArgs }) {
  const basalt = await startBasalt({ drivers: 'scaled', logDir, logLevel, nodeArgs });
  try {
    const { token: admin } = await api(basalt.url, 'POST', '/api/admin/auth', { body: TEST_ADMIN });
    const generous = { max: 100_000, windowSeconds: 60 };
    await api(basalt.url, 'PATCH', '/api/admin/settings', { token: admin, body: { auth: { accessTokenTtl: 6 * 3600 }, rateLimits: { signup: generous } } });
    const tokens = [];
    for (let i = 0; i < 10; i++) {
      const res = await api(basalt.url, 'POST', '/api/auth/signup', { body: { email: `fan${i}@basalt.test`, password: 'bench-password-123' } });
      tokens.push(res.session.accessToken);
    }
    const rule = "published = true && @request.auth.id != ''";
    await api(basalt.url, 'POST', '/api/collections', { token: admin, body: { name: 'feed', fields: FIELDS, rules: { list: rule, view: rule, create: null, update: null, delete: null } } });
    await api(basalt.url, 'POST', '/api/collections', { token: admin, body: { name: 'notes', fields: FIELDS, rules: { list: '', view: '', create: '', update: '', delete: '' } } });
    const notes = [];
    for (let i = 0; i < 50; i++) notes.push((await api(basalt.url, 'POST', '/api/collections/notes/records', { body: { title: `note ${i}`, n: i } })).id);
    // A node of its own for the sockets, as a load balancer routing /realtime to realtime nodes gives.
    const socketNodes = [];
    for (let i = 0; i < realtimeNodes; i++) socketNodes.push(await basalt.startPeer(`realtime${i}`, { BASALT_ROLE: 'api' }));
    if (socketNodes.length === 0) socketNodes.push(basalt);
    return {
      url: basalt.url,
      pid: basalt.pid,
      realtimeNodes,
      tokens,
      socketUrls: socketNodes.map((n) => n.url),
      socketPids: socketNodes.map((n) => n.pid),
      httpPaths: notes.map((id) => `/api/collections/notes/records/${id}`),
      write: (body) => api(basalt.url, 'POST', '/api/collections/feed/records', { token: admin, body }),
      stop: () => basalt.stop(),
    };
  } catch (e) {
    await basalt.stop();
    throw e;
  }
}

/** The fan-out floor (bench/floor/realtime-server.mjs): one process, one broadcast per write. */
async function floorTarget() {
  const notes = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), title: `note ${i}`, n: i, published: false }));
  const floor = await startRealtimeFloor({ notes });
  try {
    // Opens the pool's connections (Basalt's are open after its setup), or the first GETs measured pay for them.
    await Promise.all(notes.slice(0, 20).map((n) => api(floor.url, 'GET', `/notes/${n.id}`)));
  } catch (e) {
    await floor.stop();
    throw e;
  }
  return {
    url: floor.url,
    pid: floor.pid,
    realtimeNodes: 0,
    tokens: ['floor'],
    socketUrls: [floor.url],
    socketPids: [floor.pid],
    httpPaths: notes.map((n) => `/notes/${n.id}`),
    write: (body) => api(floor.url, 'POST', '/feed', { body }),
    stop: () => floor.stop(),
  };
}

/** Latency figures of writes `from` to `to` (exclusive): arrivals per process, keyed by write index. */
function writeStats(deliveries, sentAt, subscribers, from, to) {
  const perWrite = [];
  const all = [];
  let missing = 0;
  let duplicates = 0;
  for (let i = from; i < to; i++) {
    const arrivals = deliveries.flatMap((d) => d[i] ?? []);
    missing += Math.max(0, subscribers - arrivals.length);
    duplicates += Math.max(0, arrivals.length - subscribers);
    const lat = arrivals.map((t) => t - sentAt[i]).sort((x, y) => x - y);
    all.push(...lat);
    perWrite.push({ p99: percentile(lat, 0.99), first: lat[0], last: lat[lat.length - 1] });
  }
  all.sort((x, y) => x - y);
  const lasts = perWrite.map((w) => w.last ?? Infinity).sort((x, y) => x - y);
  const firsts = perWrite.map((w) => w.first ?? Infinity).sort((x, y) => x - y);
  return {
    writes: to - from,
    deliveriesExpected: subscribers * (to - from),
    delivered: all.length,
    missing,
    duplicates,
    deliveryMs: { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] },
    firstSubscriberMs: { p50: percentile(firsts, 0.5), p99: percentile(firsts, 0.99), max: firsts[firsts.length - 1] },
    lastSubscriberMs: { p50: percentile(lasts, 0.5), p99: percentile(lasts, 0.99), max: lasts[lasts.length - 1] },
    perWriteP99Median: median(perWrite.map((w) => w.p99)),
    perWriteLastMs: perWrite.map((w) => w.last),
  };
}

const f = (x) => (x === undefined ? '-' : x.toFixed(1));
const percent = (x) => (x === undefined ? '-' : `${(x * 100).toFixed(0)} %`);

/** Where the sockets were, in words. */
function topology(r) {
  if (r.target === 'floor') return 'floor (one Socket.IO broadcast per write, no rules)';
  return r.realtimeNodes ? `sockets on ${r.realtimeNodes === 1 ? 'a node' : `${r.realtimeNodes} nodes`} of their own, writes and GETs on another` : 'sockets, writes and GETs on one node';
}

export function fanoutTable(r) {
  return [
    r.target === 'floor'
      ? `Fan-out floor: ${r.subscribers} subscribers in ${r.processes} processes, ${r.writes} writes, each sent as one Socket.IO broadcast (no per-subscriber rule, no recovery store)`
      : `Realtime fan-out: ${r.subscribers} subscribers in ${r.processes} processes, ${r.writes} writes (each judged by a rule reading @request.auth); ${topology(r)}`,
    '',
    '| figure | p50 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: |',
    `| send -> each delivery | ${f(r.deliveryMs.p50)} | ${f(r.deliveryMs.p99)} | ${f(r.deliveryMs.max)} |`,
    `| send -> first subscriber, per write | ${f(r.firstSubscriberMs.p50)} | ${f(r.firstSubscriberMs.p99)} | ${f(r.firstSubscriberMs.max)} |`,
    `| send -> last subscriber, per write | ${f(r.lastSubscriberMs.p50)} | ${f(r.lastSubscriberMs.p99)} | ${f(r.lastSubscriberMs.max)} |`,
    `| warm-up (${r.warmup.writes} writes before): send -> each delivery | ${f(r.warmup.deliveryMs.p50)} | ${f(r.warmup.deliveryMs.p99)} | ${f(r.warmup.deliveryMs.max)} |`,
    `| HTTP GET at ${r.http.rate}/s evenly paced, no fan-out | ${f(r.http.quiet.p50)} | ${f(r.http.quiet.p99)} | |`,
    `| HTTP GET at ${r.http.rate}/s evenly paced, during fan-out | ${f(r.http.duringFanout.p50)} | ${f(r.http.duringFanout.p99)} | |`,
    '',
    `delivered ${r.delivered} of ${r.deliveriesExpected}, missing ${r.missing}, duplicates ${r.duplicates} ` +
      `(warm-up: missing ${r.warmup.missing}, duplicates ${r.warmup.duplicates}), sockets dropped ${r.disconnected}; ` +
      `HTTP p50 ${percent(r.http.p50Increase)}, p99 ${percent(r.http.p99Increase)} during fan-out; ` +
      `CPU of the socket node${r.realtimeNodes > 1 ? 's' : ''} per measured write ${f(r.socketNodeCpuMsPerWrite)} ms` +
      (r.realtimeNodes ? '' : ' (with the write and the GETs)'),
  ].join('\n');
}

/** Every fan-out of a run side by side, the delivery figures also as ratios to the floor's (when it ran). */
export function fanoutSummary(runs) {
  const floor = runs.find((r) => r.target === 'floor');
  const ratio = (x, base) => (floor && x !== undefined && base ? ` (${(x / base).toFixed(2)}x)` : '');
  const rows = runs.map((r) =>
    `| ${topology(r)} | ${f(r.deliveryMs.p50)}${ratio(r.deliveryMs.p50, floor?.deliveryMs.p50)} | ${f(r.deliveryMs.p99)}${ratio(r.deliveryMs.p99, floor?.deliveryMs.p99)} | ` +
      `${f(r.lastSubscriberMs.p50)}${ratio(r.lastSubscriberMs.p50, floor?.lastSubscriberMs.p50)} | ${r.missing} | ${percent(r.http.p99Increase)} | ${f(r.socketNodeCpuMsPerWrite)} |`,
  );
  return [
    'Fan-out summary (target: each delivery p99 <= 40 ms, 0 missing, HTTP p99 up <= 20 %)',
    '',
    '| fan-out | each delivery p50 ms | each delivery p99 ms | last subscriber p50 ms | missing | HTTP GET p99 during fan-out | socket node CPU ms / write |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = (k, d) => Number(process.env[k] ?? d);
  const r = await runFanout({
    target: process.env.BENCH_FANOUT_TARGET ?? 'basalt',
    subscribers: env('BENCH_SUBSCRIBERS', 1000),
    processes: env('BENCH_SUBSCRIBER_PROCESSES', 4),
    writes: env('BENCH_WRITES', 100),
    warmupWrites: env('BENCH_WARMUP_WRITES', 20),
    intervalMs: env('BENCH_WRITE_INTERVAL_MS', 100),
    realtimeNodes: env('BENCH_REALTIME_NODES', 0),
    logDir: process.env.BENCH_OUT ?? '/tmp',
    nodeArgs: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [],
  });
  console.log(fanoutTable(r));
}
