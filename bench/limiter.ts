import { performance } from 'node:perf_hooks';
import { MemorySlidingWindow } from '../packages/server/src/adapters/memory/memory-sliding-window';
import { parseFlags } from './lib/cli';
import { positiveInt } from './lib/stats';

const USAGE = `npm run bench:limiter [-- options]

A unit benchmark (not a test) of the in-memory sliding-window limiter's cost per hit
(packages/server/src/adapters/memory/memory-sliding-window.ts), as the token endpoint calls it: one hot
key (every request from one address), a 60 s window, at the default limit (30) and at the limit the
benchmark runs with (1,000,000). The clock is simulated, advancing at --rate hits a second, so the
figures do not depend on how fast this machine runs the loop.

Options:
  --hits N       hits on the hot key per measure (default 50000: 10 s of a server at 5,000 req/s)
  --rate N       simulated requests a second from that address (default 5000)
  --repeats N    fresh limiter and measure this many times; the median is printed (default 3)
  -h, --help     this text`;

const values = parseFlags({ hits: { type: 'string' }, rate: { type: 'string' }, repeats: { type: 'string' } }, USAGE);
const hits = positiveInt('hits', values.hits, 50_000);
const rate = positiveInt('rate', values.rate, 5000);
const repeats = positiveInt('repeats', values.repeats, 3);
const WINDOW_MS = 60_000;
const KEY = 'token:127.0.0.1';

interface Measure {
  /** Mean over every hit. */
  all: number;
  /** Mean over the last tenth of the hits: the cost once the window holds (nearly) all of them. */
  last: number;
  allowed: number;
}

/** `hits` hits on one key, each timed in batches (a timer per hit would cost more than some hits). */
async function measure(limit: number): Promise<Measure> {
  let now = Date.UTC(2026, 0, 1);
  const limiter = new MemorySlidingWindow({ now: () => now });
  const step = 1000 / rate;
  const tail = Math.max(1, Math.floor(hits / 10));
  let allowed = 0;
  const started = performance.now();
  let tailStarted = started;
  for (let i = 0; i < hits; i++) {
    if (i === hits - tail) tailStarted = performance.now();
    if ((await limiter.hit(KEY, limit, WINDOW_MS)).allowed) allowed++;
    now += step;
  }
  const ended = performance.now();
  return { all: ((ended - started) * 1e6) / hits, last: ((ended - tailStarted) * 1e6) / tail, allowed };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)] as number;
}

console.log(
  `MemorySlidingWindow.hit, one hot key, 60 s window, ${hits.toLocaleString('en')} hits at a simulated ${rate.toLocaleString(
    'en',
  )} req/s (the window ends up holding ${Math.min(hits, (WINDOW_MS / 1000) * rate).toLocaleString('en')} of them), median of ${repeats}; Node ${process.version}\n`,
);
// One warm-up pass so that both limits run optimised code.
await measure(30);
const results = new Map<number, Measure>();
for (const limit of [30, 1_000_000]) {
  const runs: Measure[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await measure(limit));
  const m = { all: median(runs.map((x) => x.all)), last: median(runs.map((x) => x.last)), allowed: runs[0]!.allowed };
  results.set(limit, m);
  console.log(
    `limit ${limit.toLocaleString('en').padStart(9)}: ${m.all.toFixed(0).padStart(8)} ns/hit (all hits)  ${m.last
      .toFixed(0)
      .padStart(8)} ns/hit (last tenth)  ${m.allowed.toLocaleString('en')} allowed`,
  );
}
const low = results.get(30)!;
const high = results.get(1_000_000)!;
const ratio = high.all / low.all;
console.log(
  `\nlimit 1,000,000 / limit 30: ${ratio.toFixed(1)}× (all hits), ${(high.last / low.last).toFixed(1)}× (last tenth). Issue 11 wants at most 2×: ${
    ratio <= 2 && high.last / low.last <= 2 ? 'met' : 'NOT met'
  }.`,
);
