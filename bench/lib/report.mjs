// Medians, percentiles and the printed table.
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The nearest-rank percentile `q` (0..1) of ascending values; undefined when there are none. */
export function percentile(sorted, q) {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The median of each figure over a target's runs of one case. */
export function summarise(runs) {
  return {
    runs: runs.length,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuPer1000: median(runs.map((r) => r.cpuPer1000)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb ?? 0)),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  };
}

const fmt = (x, d = 0) => (x === undefined ? '-' : x.toFixed(d));
const ratio = (a, b) => (a === undefined || !b ? '-' : `${(a / b).toFixed(2)}x`);

/** A markdown table: each Basalt figure, then its ratio to the floor (embedded: to scaled). */
export function table(results) {
  const lines = [
    '| case | target | req/s | ratio | p50 ms | ratio | p99 ms | ratio | CPU s / 1000 req | ratio | max RSS MB | non-2xx |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, byTarget] of Object.entries(results)) {
    const floor = byTarget.floor;
    for (const [target, s] of Object.entries(byTarget)) {
      const base = target === 'floor' ? undefined : target === 'embedded' ? byTarget.basalt : floor;
      const vs = target === 'embedded' ? ' (vs scaled)' : '';
      lines.push(
        `| ${name} | ${target} | ${fmt(s.rps)} | ${base ? ratio(s.rps, base.rps) + vs : ''} | ${fmt(s.p50, 1)} | ${base ? ratio(s.p50, base.p50) : ''} | ${fmt(s.p99, 1)} | ${base ? ratio(s.p99, base.p99) : ''} | ${fmt(s.cpuPer1000, 3)} | ${base ? ratio(s.cpuPer1000, base.cpuPer1000) : ''} | ${fmt(s.maxRssMb)} | ${s.non2xx} |`,
      );
    }
  }
  return lines.join('\n');
}
