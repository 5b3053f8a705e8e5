// The load generator, run in its own process (forked by load.mjs) so its CPU never competes inside
// the measuring process and the server's CPU can be read cleanly. Receives one spec, runs autocannon
// (after `warmup` seconds of the same load that are not measured, when given), sends back the summary.
import autocannon from 'autocannon';
import { randomItem } from './data.mjs';
import { pacedLoad } from './paced-load.mjs';

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

process.once('message', (spec) => {
  const { url, connections, duration, warmup = 0, method, paths, headerSets = [{}], bodies, body, overallRate } = spec;
  const setupRequest = (req) => {
    const headers = { ...pick(headerSets) };
    let payload;
    if (body === 'item') payload = JSON.stringify(randomItem());
    else if (bodies) payload = pick(bodies);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return { ...req, method, path: pick(paths), headers, body: payload };
  };
  const options = (seconds) => ({ url, connections, duration: seconds, ...(overallRate && { overallRate }), requests: [{ setupRequest }] });
  const fail = (err) => process.send({ error: String(err) }, () => process.exit(1));
  if (spec.paced) {
    const paced = (seconds) => pacedLoad({ url, connections, rate: overallRate, duration: seconds, method, paths });
    (async () => {
      if (warmup > 0) await paced(warmup);
      const r = await paced(duration);
      process.send(r, () => process.exit(0));
    })().catch(fail);
    return;
  }
  if (warmup > 0) autocannon(options(warmup), (err) => (err ? fail(err) : measure()));
  else measure();

  function measure() {
    const instance = autocannon(options(duration), (err, r) => (err ? fail(err) : process.send(summary(r), () => process.exit(0))));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false, outputStream: process.stderr });
  }
});

function summary(r) {
  const total = r.requests.total ?? Object.values(r.statusCodeStats ?? {}).reduce((s, c) => s + Number(c.count), 0);
  return {
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
  };
}
