import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));
const CLK_TCK = 100; // Linux USER_HZ: /proc times are in 1/100 s on every mainstream kernel config.

/** utime + stime of a process, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/**
 * One autocannon run in a child process; `serverPid` is sampled before and after for CPU per request
 * (a `warmup` in the spec runs first in the same process: its CPU and RSS count, its latency does not).
 */
export function runLoad(spec, serverPid) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    let cpuBefore;
    let maxRssMb = 0;
    const sampler = serverPid ? setInterval(() => (maxRssMb = Math.max(maxRssMb, rssMb(serverPid))), 200) : undefined;
    child.once('message', (m) => (result = m));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sampler);
      const cpu = serverPid ? cpuSeconds(serverPid) - cpuBefore : undefined;
      if (!result || result.error) return reject(new Error(`load generator failed (${code}): ${result?.error ?? 'no result'}`));
      resolve({ ...result, serverCpuSeconds: cpu, cpuPer1000: cpu === undefined ? undefined : (cpu / result.requests) * 1000, maxRssMb });
    });
    child.once('spawn', () => {
      cpuBefore = serverPid ? cpuSeconds(serverPid) : undefined;
      child.send(spec);
    });
  });
}

/**
 * Waits until a process is idle (under 5 % of a core over 250 ms), so a run does not pay for the
 * backlog the previous one left (in-flight logins keep hashing after the load generator stops).
 */
export async function settle(pid, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 250));
    if (cpuSeconds(pid) - before < 0.0125) return;
  }
}
