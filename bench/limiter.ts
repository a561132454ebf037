import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { MemorySlidingWindow } from '../packages/server/src/adapters/memory/memory-sliding-window';
import { RedisSlidingWindow } from '../packages/server/src/adapters/redis/redis-sliding-window';
import type { Clock } from '../packages/server/src/core/ports/clock';
import type { SlidingWindowLimiter } from '../packages/server/src/core/ports/sliding-window-limiter';
import { parseFlags } from './lib/cli';
import { positiveInt } from './lib/stats';

const USAGE = `npm run bench:limiter [-- options]

A unit benchmark (not a test) of the sliding-window limiter's cost per hit, in memory
(packages/server/src/adapters/memory/memory-sliding-window.ts) and on Redis
(packages/server/src/adapters/redis/redis-sliding-window.ts), as the token endpoint calls it: one hot
key (every request from one address), a 60 s window, at the default limit (30) and at the limit the
benchmark runs with (1,000,000). The clock is simulated, advancing at --rate hits a second, so the
figures do not depend on how fast this machine runs the loop. The Redis rows are one hit at a time,
so they include a round trip to Redis; their keys live under a prefix of this run's own and are
deleted at the end.

Options:
  --hits N       hits on the hot key per measure (default 50000: 10 s of a server at 5,000 req/s)
  --rate N       simulated requests a second from that address (default 5000)
  --repeats N    fresh limiter and measure this many times; the median is printed (default 3)
  --redis URL    the Redis to measure (default redis://127.0.0.1:6379; 127.0.0.1 only)
  --no-redis     measure the memory limiter only
  -h, --help     this text`;

const values = parseFlags(
  {
    hits: { type: 'string' },
    rate: { type: 'string' },
    repeats: { type: 'string' },
    redis: { type: 'string' },
    'no-redis': { type: 'boolean' },
  },
  USAGE,
);
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
async function measure(open: (clock: Clock) => SlidingWindowLimiter, limit: number): Promise<Measure> {
  let now = Date.UTC(2026, 0, 1);
  const limiter = open({ now: () => now });
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

/** Each measure gets a fresh key on Redis, as it gets a fresh limiter in memory. */
let redis: Redis | undefined;
const prefix = `countersign-bench:${randomBytes(6).toString('hex')}:`;
let run = 0;
if (values['no-redis'] !== true) {
  const url = values.redis ?? 'redis://127.0.0.1:6379';
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
    console.error('--redis must be on 127.0.0.1');
    process.exit(2);
  }
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    redis = client;
  } catch {
    client.disconnect();
    console.warn(`Redis at ${url} is unreachable: measuring the memory limiter only.\n`);
  }
}

async function deleteRunKeys(client: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

const backends: [string, (clock: Clock) => SlidingWindowLimiter][] = [['memory', (clock) => new MemorySlidingWindow(clock)]];
if (redis) {
  const client = redis;
  backends.push(['Redis', (clock) => new RedisSlidingWindow(client, clock, { keyPrefix: `${prefix}${++run}:` })]);
}

console.log(
  `SlidingWindowLimiter.hit, one hot key, 60 s window, ${hits.toLocaleString('en')} hits at a simulated ${rate.toLocaleString(
    'en',
  )} req/s (the window ends up holding ${Math.min(hits, (WINDOW_MS / 1000) * rate).toLocaleString('en')} of them), median of ${repeats}; Node ${process.version}\n`,
);
let allMet = true;
try {
  for (const [name, open] of backends) {
    // One warm-up pass so that both limits run optimised code.
    await measure(open, 30);
    const results = new Map<number, Measure>();
    // Interleaved (30, 1,000,000, 30, ...) so that noise from other work on the machine hits both alike.
    const byLimit = new Map<number, Measure[]>([
      [30, []],
      [1_000_000, []],
    ]);
    for (let r = 0; r < repeats; r++) for (const [limit, runs] of byLimit) runs.push(await measure(open, limit));
    for (const [limit, runs] of byLimit) {
      const m = { all: median(runs.map((x) => x.all)), last: median(runs.map((x) => x.last)), allowed: runs[0]!.allowed };
      results.set(limit, m);
      console.log(
        `${name.padEnd(6)} limit ${limit.toLocaleString('en').padStart(9)}: ${m.all.toFixed(0).padStart(8)} ns/hit (all hits)  ${m.last
          .toFixed(0)
          .padStart(8)} ns/hit (last tenth)  ${m.allowed.toLocaleString('en')} allowed`,
      );
    }
    const low = results.get(30)!;
    const high = results.get(1_000_000)!;
    const ratio = high.all / low.all;
    const met = ratio <= 2 && high.last / low.last <= 2;
    allMet &&= met;
    console.log(
      `${name.padEnd(6)} limit 1,000,000 / limit 30: ${ratio.toFixed(2)}× (all hits), ${(high.last / low.last).toFixed(2)}× (last tenth). At most 2× wanted: ${
        met ? 'met' : 'NOT met'
      }.\n`,
    );
  }
} finally {
  if (redis) {
    await deleteRunKeys(redis);
    await redis.quit();
  }
}
if (!allMet) process.exitCode = 1;
