import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Figures, FixedRequest, LoadOptions } from './load-spec';

/**
 * The fallback load generator for fixed requests when wrk is not installed, in its own process:
 * `node --import tsx bench/load/autocannon-driver.ts SPEC.json`. A warm-up run, then the measured
 * run; prints one JSON line of Figures.
 */
const { request, options } = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { request: FixedRequest; options: LoadOptions };

const base = {
  url: request.url,
  method: request.method,
  headers: request.headers,
  connections: options.connections,
  ...(request.body === undefined ? {} : { body: request.body }),
};
await autocannon({ ...base, duration: options.warmupSeconds });
const r = await autocannon({ ...base, duration: options.seconds });
const figures: Figures = {
  rps: r.requests.total / r.duration,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
