// The load generator, run in its own process (forked by load.mjs) so its CPU never competes inside
// the measuring process and the server's CPU can be read cleanly. Receives one spec, runs autocannon,
// sends back the summary.
import autocannon from 'autocannon';
import { randomItem } from './data.mjs';

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

process.once('message', (spec) => {
  const { url, connections, duration, method, paths, headerSets = [{}], bodies, body, overallRate } = spec;
  const setupRequest = (req) => {
    const headers = { ...pick(headerSets) };
    let payload;
    if (body === 'item') payload = JSON.stringify(randomItem());
    else if (bodies) payload = pick(bodies);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return { ...req, method, path: pick(paths), headers, body: payload };
  };
  const instance = autocannon({ url, connections, duration, ...(overallRate && { overallRate }), requests: [{ setupRequest }] }, (err, r) => {
    if (err) {
      process.send({ error: String(err) }, () => process.exit(1));
      return;
    }
    const total = r.requests.total ?? Object.values(r.statusCodeStats ?? {}).reduce((s, c) => s + Number(c.count), 0);
    process.send(
      {
        requests: total,
        duration: r.duration,
        rps: total / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)])),
      },
      () => process.exit(0),
    );
  });
  autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false, outputStream: process.stderr });
});
