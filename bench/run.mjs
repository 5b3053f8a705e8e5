#!/usr/bin/env node
// `npm run bench`: Basalt (scaled: Postgres + Redis + s3rver) against a raw floor server on the same
// Postgres, the same rows and the same SQL, under the same autocannon load; then the read cases on
// embedded Basalt (PGlite). Every figure is printed with its ratio to the floor (embedded: to scaled).
//
// Environment: BENCH_DURATION (s per run, 10), BENCH_RUNS (3), BENCH_WARMUP (s, 3), BENCH_CONNECTIONS (50),
// BENCH_RECORDS (10000), BENCH_CASES (comma list of get,list,create,listRule,login,login200; all),
// BENCH_EMBEDDED (0 to skip), BENCH_PROFILE (1: run scaled Basalt under --cpu-prof and summarise each case's measured runs),
// BENCH_REALTIME (0 to skip the fan-out; BENCH_SUBSCRIBERS 1000, BENCH_SUBSCRIBER_PROCESSES 4, BENCH_WRITES 100, BENCH_WARMUP_WRITES 20),
// BENCH_PUSH (0 to skip push; BENCH_PUSH_DEVICES 10000),
// BENCH_OUT (results folder, bench/results), BENCH_LOG_LEVEL (Basalt's, info as in production),
// BASALT_SERVER_DIST (which apps/server build to run, as in the testkit).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { CASES } from './lib/cases.mjs';
import { runLoad, settle } from './lib/load.mjs';
import { summarise, table } from './lib/report.mjs';
import { generateData, seedBasalt } from './lib/seed.mjs';
import { api, startBasalt } from './lib/services.mjs';
import { analyze, startFloor } from './floor/setup.mjs';
import { monotonicUs, summariseProfile } from './profile-summary.mjs';
import { fanoutSummary, fanoutTable, runFanout } from './realtime/fanout.mjs';
import { pushTable, runPush } from './push/throughput.mjs';

const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : process.env[name]);
const opts = {
  duration: Number(env('BENCH_DURATION', 10)),
  runs: Number(env('BENCH_RUNS', 3)),
  warmup: Number(env('BENCH_WARMUP', 3)),
  connections: Number(env('BENCH_CONNECTIONS', 50)),
  records: Number(env('BENCH_RECORDS', 10_000)),
  cases: env('BENCH_CASES', Object.keys(CASES).join(',')).split(',').map((c) => c.trim()),
  embedded: env('BENCH_EMBEDDED', '1') !== '0',
  profile: env('BENCH_PROFILE', '0') === '1',
  logLevel: env('BENCH_LOG_LEVEL', 'info'),
  realtime: env('BENCH_REALTIME', '1') !== '0',
  subscribers: Number(env('BENCH_SUBSCRIBERS', 1000)),
  subscriberProcesses: Number(env('BENCH_SUBSCRIBER_PROCESSES', 4)),
  writes: Number(env('BENCH_WRITES', 100)),
  warmupWrites: Number(env('BENCH_WARMUP_WRITES', 20)),
  // The fan-out is measured once per topology: 0 = the sockets on the node that takes the writes,
  // 1 = on a node of their own (a load balancer routing /realtime to realtime nodes).
  realtimeNodes: env('BENCH_REALTIME_NODES', '0,1').split(',').map(Number),
  push: env('BENCH_PUSH', '1') !== '0',
  pushDevices: Number(env('BENCH_PUSH_DEVICES', 10_000)),
  serverDist: env('BASALT_SERVER_DIST', 'dist'),
};
for (const c of opts.cases) if (!CASES[c]) throw new Error(`BENCH_CASES: unknown case "${c}" (known: ${Object.keys(CASES).join(', ')})`);

const outDir = env('BENCH_OUT', fileURLToPath(new URL('./results', import.meta.url)));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const runDir = join(outDir, stamp);
mkdirSync(runDir, { recursive: true });
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

async function main() {
  log('options', opts);
  const data = generateData(opts.records);
  const targets = {};
  const stops = [];
  try {
    log('starting scaled Basalt and seeding', opts.records, 'records per collection');
    const profileDir = join(runDir, 'profile');
    const scaled = await startBasalt({
      drivers: 'scaled',
      logDir: runDir,
      logLevel: opts.logLevel,
      nodeArgs: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    stops.push(() => scaled.stop());
    const seeded = await seedBasalt(scaled.url, data);
    // Autovacuum would analyze the fresh tables within a minute or so; the floor's are analyzed
    // explicitly, so Basalt's are too, or the run would measure the planner's guesses.
    await analyze(scaled.env.BASALT_DATABASE_URL);
    targets.basalt = { url: scaled.url, pid: scaled.pid, ctx: { data, basaltUsers: seeded.users } };

    log('starting the floor');
    const floor = await startFloor({ users: data.users.map((u, i) => ({ ...u, id: seeded.users[i].id })), items: data.items, owned: data.owned });
    stops.push(() => floor.stop());
    const floorUsers = [];
    for (const u of data.users) {
      const res = await api(floor.url, 'POST', '/login', { body: { email: u.email, password: u.password } });
      floorUsers.push({ ...u, token: res.session.accessToken });
    }
    targets.floor = { url: floor.url, pid: floor.pid, ctx: { data, floorUsers } };

    if (opts.embedded && opts.cases.some((c) => CASES[c].read)) {
      log('starting embedded Basalt (PGlite) and seeding');
      const embedded = await startBasalt({ drivers: 'embedded', logDir: runDir, logLevel: opts.logLevel });
      stops.push(() => embedded.stop());
      const seededEmbedded = await seedBasalt(embedded.url, { ...data, owned: data.owned.map((r) => ({ ...r })) });
      targets.embedded = { url: embedded.url, pid: embedded.pid, ctx: { data, basaltUsers: seededEmbedded.users } };
    }

    const results = {};
    const raw = {};
    /** case -> the times scaled Basalt was under measured load (the profile is summarised over these only). */
    const measured = {};
    for (const name of opts.cases) {
      const def = CASES[name];
      const order = ['floor', 'basalt', ...(def.read && targets.embedded ? ['embedded'] : [])];
      const specs = Object.fromEntries(
        order.map((t) => [t, { url: targets[t].url, connections: def.connections ?? opts.connections, ...(t === 'floor' ? def.floor : def.basalt)(targets[t].ctx) }]),
      );
      raw[name] = Object.fromEntries(order.map((t) => [t, []]));
      for (const t of order) {
        if (opts.warmup > 0) await runLoad({ ...specs[t], duration: opts.warmup });
        await settle(targets[t].pid);
      }
      // Runs interleave the targets, so drift in the machine's load hits them alike.
      for (let run = 1; run <= opts.runs; run++) {
        for (const t of order) {
          await settle(targets[t].pid);
          const from = monotonicUs();
          const r = await runLoad({ ...specs[t], duration: opts.duration }, targets[t].pid);
          if (t === 'basalt') (measured[name] ??= []).push({ from, to: monotonicUs() });
          raw[name][t].push(r);
          log(`${name} run ${run} ${t}: ${r.rps.toFixed(0)} req/s p50 ${r.p50} ms p99 ${r.p99} ms cpu ${r.cpuPer1000?.toFixed(3)} s/1000 non2xx ${r.non2xx}`);
        }
      }
      results[name] = Object.fromEntries(order.map((t) => [t, summarise(raw[name][t])]));
    }

    // Each on a fresh server of its own, after the HTTP servers are stopped, so nothing else loads the machine.
    for (const stop of stops.splice(0).reverse()) await stop();
    const fanout = [];
    if (opts.realtime) {
      const common = { subscribers: opts.subscribers, processes: opts.subscriberProcesses, writes: opts.writes, warmupWrites: opts.warmupWrites, logDir: runDir, logLevel: opts.logLevel, log };
      fanout.push(await runFanout({ ...common, target: 'floor' }));
      for (const realtimeNodes of opts.realtimeNodes) fanout.push(await runFanout({ ...common, realtimeNodes }));
    }
    let push;
    if (opts.push) push = await runPush({ devices: opts.pushDevices, logDir: runDir, logLevel: opts.logLevel, log });

    const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg() };
    const report = `Basalt benchmark ${new Date().toISOString()} (${opts.duration}s x ${opts.runs} runs, ${opts.connections} connections, ${opts.records} records)\n` +
      `machine: ${machine.cpus} x ${machine.model}, ${machine.memGb} GB, node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}\n\n` +
      table(results) +
      (fanout.length ? `\n\n${fanoutSummary(fanout)}` : '') +
      fanout.map((f) => `\n\n${fanoutTable(f)}`).join('') +
      (push ? `\n\n${pushTable(push)}` : '');
    console.log(report);
    writeFileSync(join(runDir, 'results.json'), JSON.stringify({ opts, machine, results, raw, fanout, push }, null, 2));
    writeFileSync(join(runDir, 'results.md'), report + '\n');

    if (opts.profile) {
      // The scaled server was stopped above; its profile was written as it exited.
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
      for (const [name, windows] of Object.entries(measured)) {
        console.log(`\nTop self time in scaled Basalt, ${name} (measured runs only):\n` + summariseProfile(join(profileDir, file), 25, windows));
      }
    }
    log('results in', runDir);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e) => log('cleanup failed:', e.message));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
