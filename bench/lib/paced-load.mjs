// An open-loop load at a steady rate: one request every 1/rate s, on up to `connections` keep-alive
// connections. A request is sent when it is due whether or not earlier ones were answered, and timed
// from then (waiting for a free connection included), so a stalled server shows in the latency
// instead of holding the requests back. autocannon's `overallRate` does not pace: each connection
// sends its quota for a second back to back when the second starts, so "200 req/s" is a burst of
// 200 requests once a second, whose own queueing sets the p99.
import http from 'node:http';
import { percentile } from './report.mjs';

/** Runs `duration` s of requests at `rate`/s; resolves with the same summary fields as the autocannon runs. */
export async function pacedLoad({ url, connections, rate, duration, method = 'GET', paths }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(url);
  const latencies = [];
  const statusCodes = {};
  let errors = 0;
  const interval = 1000 / rate;
  const total = Math.round(duration * rate);
  const start = performance.now() + interval;
  const inFlight = [];
  const send = (path) =>
    new Promise((resolve) => {
      const sentAt = performance.now();
      const req = http.request({ agent, host: hostname, port, method, path }, (res) => {
        res.resume();
        res.once('end', () => {
          latencies.push(performance.now() - sentAt);
          statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
          resolve();
        });
      });
      req.once('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  for (let i = 0; i < total; i++) {
    const dueAt = start + i * interval;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(paths[i % paths.length]));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statusCodes).reduce((s, [code, n]) => s + (code.startsWith('2') ? 0 : n), 0);
  return { requests: latencies.length, duration, rps: latencies.length / duration, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1], non2xx, errors, timeouts: 0, statusCodes };
}
