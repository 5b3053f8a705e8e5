#!/usr/bin/env node
// Top self-time functions of a V8 .cpuprofile (node --cpu-prof). Usage: node bench/profile-summary.mjs <file> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The monotonic clock V8 stamps profile samples with (µs): `process.hrtime` reads the same one in every process. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function (name + file:line), from the profile's samples and time deltas. With
 * `windows` ([{ from, to }] in `monotonicUs()`), only the samples taken inside them count: the
 * measured load, not the server's start-up and seeding.
 */
export function summariseProfile(file, top = 25, windows = null) {
  const whole = JSON.parse(readFileSync(file, 'utf8'));
  const profile = windows ? within(whole, windows) : whole;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { callFrame: f } = byId.get(id);
    const where = f.url ? `${shorten(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const idle = [...self.entries()].filter(([k]) => k === '(idle)').reduce((s, [, v]) => s + v, 0);
  const busy = total - idle;
  const rows = [...self.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [`busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled`, '| self ms | % of busy | function |', '| ---: | ---: | --- |'];
  for (const [k, v] of rows) lines.push(`| ${(v / 1000).toFixed(0)} | ${((v / busy) * 100).toFixed(1)} | \`${k}\` |`);
  lines.push('', 'By package (self time):', ...byPackage(profile, byId, busy));
  return lines.join('\n');
}

/** Self time grouped by node_modules package (or "basalt" / "node internals"), to see where the time goes at a glance. */
/** The profile with only the samples stamped inside one of the windows (their deltas kept). */
function within(profile, windows) {
  const samples = [];
  const timeDeltas = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (windows.some((w) => at >= w.from && at <= w.to)) {
      samples.push(id);
      timeDeltas.push(profile.timeDeltas[i] ?? 0);
    }
  });
  return { ...profile, samples, timeDeltas };
}

function byPackage(profile, byId, busy) {
  const sums = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') return;
    sums.set(packageOf(f.url), (sums.get(packageOf(f.url)) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `- ${k}: ${((v / busy) * 100).toFixed(1)} %`);
}

function packageOf(url) {
  if (!url) return '(native / gc / program)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/apps/server/')) return 'basalt server';
  if (url.includes('/packages/')) return 'basalt packages';
  return url;
}

function shorten(url) {
  return url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '~/').replace(/^.*\/apps\/server\//, 'server/').replace(/^.*\/packages\//, 'packages/');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summariseProfile(file, Number(top ?? 25)));
}
