/**
 * Measures, statistically, whether a failed authentication takes the same time whatever the reason
 * (RFC 9700 §4.9 side channels; SPEC §3): an unknown client vs a known client with a wrong secret, and
 * an unknown email vs a known email with a wrong password. Not a test (timings do not belong in CI):
 *
 *   node --import tsx scripts/auth-timing.ts [rounds]
 *
 * The server runs in this process on SQLite in memory; requests go through inject() (no network
 * noise), the two kinds interleaved in random order. It prints each kind's median, mean and p90, and
 * a Mann-Whitney U test: |z| below 3 means the two distributions cannot be told apart at that sample size.
 */
import { randomBytes } from 'node:crypto';
import { cryptoRandom } from '../packages/server/src/adapters/system/crypto-random';
import { appOptions } from '../packages/server/src/compose/app-options';
import { composeDependencies } from '../packages/server/src/compose/compose-dependencies';
import { buildApp } from '../packages/server/src/http/build-app';
import { Fixtures } from '../packages/server/test/support/fixtures';
import { TestClock } from '../packages/server/test/support/test-clock';
import { testConfig } from '../packages/server/test/support/test-config';
import { openTestStorage } from '../packages/server/test/support/test-storage';

const rounds = Number(process.argv[2] ?? 300);

async function main() {
  const storage = await openTestStorage('sqlite');
  // No client cache: otherwise the known client (asked for again and again) is answered from memory while
  // each fresh unknown id is a query. A prober meets no such difference: a first request for any id is a
  // query, and a repeated one is cached whether the id exists or not (unknown ids are cached too).
  const deps = await composeDependencies(
    testConfig({ COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '0', COUNTERSIGN_CLIENT_CACHE_TTL: '0' }),
    storage,
    new TestClock(),
    cryptoRandom,
  );
  const app = await buildApp(appOptions(deps), { logger: false });
  const f = new Fixtures(storage.db, deps.secretHasher);
  const store = await f.store();
  const integration = await f.credential(store.id, 'test', 'integration', { scopes: ['stores.view'] });
  const channel = await f.credential(store.id, 'test', 'sales_channel');
  const customer = await f.customer(store.id, 'test', 'known@shop.invalid', 'the right password');

  const post = async (body: Record<string, string>) => {
    const started = process.hrtime.bigint();
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(body).toString(),
    });
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    if (res.statusCode < 400) throw new Error(`expected a refusal, got ${res.statusCode}`);
    return micros;
  };
  const junk = () => randomBytes(24).toString('base64url');
  const comparisons = {
    'client: unknown id vs wrong secret': {
      a: () => post({ grant_type: 'client_credentials', client_id: junk(), client_secret: junk() }),
      b: () => post({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: junk() }),
    },
    'password: unknown email vs wrong password': {
      a: () =>
        post({ grant_type: 'password', client_id: channel.clientId, username: `${junk()}@shop.invalid`, password: junk(), scope: '' }),
      b: () => post({ grant_type: 'password', client_id: channel.clientId, username: customer.email, password: junk(), scope: '' }),
    },
  };
  for (const [name, { a, b }] of Object.entries(comparisons)) {
    for (let i = 0; i < 20; i++) await Promise.all([a(), b()]); // warm-up
    const times = { a: [] as number[], b: [] as number[] };
    for (let i = 0; i < rounds * 2; i++) {
      const kind = Math.random() < 0.5 ? 'a' : 'b';
      times[kind].push(await (kind === 'a' ? a() : b()));
    }
    const z = mannWhitneyZ(times.a, times.b);
    console.log(`\n${name} (${times.a.length} vs ${times.b.length} requests)`);
    console.log(`  first:  ${summary(times.a)}`);
    console.log(`  second: ${summary(times.b)}`);
    console.log(`  Mann-Whitney z = ${z.toFixed(2)} → ${Math.abs(z) < 3 ? 'not distinguishable' : 'DISTINGUISHABLE'}`);
  }
  await app.close();
  await deps.close();
  await storage.close();
}

function summary(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return `median ${(at(0.5) / 1000).toFixed(2)} ms, mean ${(mean / 1000).toFixed(2)} ms, p90 ${(at(0.9) / 1000).toFixed(2)} ms`;
}

/** The normal approximation of the Mann-Whitney U statistic (ties get their average rank). */
function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, from: 'a' })), ...b.map((v) => ({ v, from: 'b' }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let rankSumA = 0;
  all.forEach((x, i) => {
    if (x.from === 'a') rankSumA += ranks[i] ?? 0;
  });
  const n1 = a.length;
  const n2 = b.length;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  return (u - (n1 * n2) / 2) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
