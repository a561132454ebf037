/**
 * A soak (not a CI test): mixed traffic at a steady rate against PostgreSQL and Redis for a while
 * (ten minutes by default), sampling the server's memory, event-loop delay and open handles, then
 * reporting the trend and every unexpected answer.
 *
 *   node --expose-gc --import tsx scripts/soak.ts [minutes] [requests-per-second]
 *
 * Traffic, round-robin: client credentials; an authorization code redeemed (the code is stored
 * directly, standing in for the browser's sign-in and consent) then refreshed and its access token
 * introspected and revoked; a provisioning write (a customer group created, read and deleted); every
 * twentieth round a password grant, refreshed and revoked (password hashing is deliberately slow).
 * The server runs in this process on a real port (so the figures include the load generator, which is
 * small next to it), on a PostgreSQL schema of its own and Redis with a key prefix of its own. The
 * sweep runs every minute. jwt-bearer is not part of the mix.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cryptoRandom } from '../packages/server/src/adapters/system/crypto-random';
import { systemClock } from '../packages/server/src/adapters/system/system-clock';
import { appOptions } from '../packages/server/src/compose/app-options';
import { composeDependencies } from '../packages/server/src/compose/compose-dependencies';
import { startSweepSchedule } from '../packages/server/src/compose/sweep-schedule';
import { buildApp } from '../packages/server/src/http/build-app';
import { Fixtures } from '../packages/server/test/support/fixtures';
import { freePort } from '../packages/server/test/support/listening-app';
import { TEST_REDIS_URL } from '../packages/server/test/support/redis-reachable';
import { TEST_ADMIN_TOKEN, testConfig } from '../packages/server/test/support/test-config';
import { openTestStorage } from '../packages/server/test/support/test-storage';

const minutes = Number(process.argv[2] ?? 10);
const rate = Number(process.argv[3] ?? 40);
const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const storage = await openTestStorage('postgres');
  const config = testConfig({
    COUNTERSIGN_ISSUER: issuer,
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    COUNTERSIGN_TOKEN_RATE_LIMIT: '0',
    COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '0',
    COUNTERSIGN_SWEEP_INTERVAL: '60',
  });
  const deps = await composeDependencies(config, storage, systemClock, cryptoRandom);
  const app = await buildApp(appOptions(deps), { logger: false });
  await app.listen({ host: '127.0.0.1', port });
  const stopSweeps = startSweepSchedule(deps, app.log);

  const f = new Fixtures(storage.db, deps.secretHasher);
  const store = await f.store('soak');
  const owner = await f.user(`soak-${randomBytes(4).toString('hex')}@example.test`);
  await f.membership(store.id, owner.id, 'owner');
  const app3p = await f.app(owner.id);
  const integration = await f.credential(store.id, 'test', 'integration', { scopes: ['stores.view'] });
  const channel = await f.credential(store.id, 'test', 'sales_channel');
  const prices = await f.priceList(store.id, 'test', 'eur');
  const location = await f.stockLocation(store.id, 'test', 'eu');
  await f.market(store.id, 'test', 'europe', { priceListId: prices.id, stockLocationIds: [location.id] });
  const customer = await f.customer(store.id, 'test', 'soak@shop.invalid', 'soak password 1');

  const unexpected = new Map<string, number>();
  let requests = 0;
  const call = async (what: string, path: string, init: RequestInit, expect: number) => {
    requests++;
    const res = await fetch(`${issuer}${path}`, init);
    const text = await res.text();
    if (res.status !== expect) {
      const key = `${what} ${res.status}`;
      if (!unexpected.has(key)) console.log(`unexpected: ${key} ${text.slice(0, 200)}`);
      unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
    }
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  };
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const secretOf = (c: { secret?: string }) => c.secret ?? '';

  const rounds = [
    async () => {
      await call(
        'client_credentials',
        '/oauth/token',
        form({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: secretOf(integration) }),
        200,
      );
    },
    async () => {
      const code = randomBytes(32).toString('base64url');
      const now = systemClock.now();
      await deps.grants.codes.save(deps.secretHasher.hash(code), {
        clientId: app3p.clientId,
        redirectUri: 'https://app.example/callback',
        redirectUriSent: false,
        codeChallenge: null,
        scope: 'stores.view',
        storeIds: [store.id],
        owner: { type: 'user', id: owner.id },
        createdAt: now,
        expiresAt: now + 60_000,
        usedAt: null,
        grantId: null,
      });
      const auth = { client_id: app3p.clientId, client_secret: secretOf(app3p) };
      const tokens = await call('authorization_code', '/oauth/token', form({ grant_type: 'authorization_code', code, ...auth }), 200);
      const refreshed = await call(
        'refresh_token',
        '/oauth/token',
        form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', ...auth }),
        200,
      );
      await call('introspect', '/oauth/introspect', form({ token: refreshed.access_token ?? '', ...auth }), 200);
      await call('revoke access token', '/oauth/revoke', form({ token: refreshed.access_token ?? '', ...auth }), 200);
    },
    async () => {
      const created = await call(
        'provisioning create',
        `/provisioning/v1/stores/${store.id}/customer_groups`,
        { method: 'POST', headers: admin, body: JSON.stringify({ mode: 'test', name: 'soak group' }) },
        201,
      );
      await call('provisioning read', `/provisioning/v1/stores/${store.id}/customer_groups/${created.id}`, { headers: admin }, 200);
      await call(
        'provisioning delete',
        `/provisioning/v1/stores/${store.id}/customer_groups/${created.id}`,
        { method: 'DELETE', headers: { authorization: admin.authorization } },
        204,
      );
    },
  ];
  const passwordRound = async () => {
    const tokens = await call(
      'password',
      '/oauth/token',
      form({
        grant_type: 'password',
        client_id: channel.clientId,
        username: customer.email,
        password: customer.password,
        scope: 'market:code:europe',
      }),
      200,
    );
    const refreshed = await call(
      'refresh_token (password)',
      '/oauth/token',
      form({ grant_type: 'refresh_token', client_id: channel.clientId, refresh_token: tokens.refresh_token ?? '' }),
      200,
    );
    await call('revoke refresh token', '/oauth/revoke', form({ token: refreshed.refresh_token ?? '', client_id: channel.clientId }), 200);
  };

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const samples: { minute: number; heapMb: number; rssMb: number; p99Ms: number; maxMs: number; handles: number; requests: number }[] = [];
  const started = Date.now();
  const sample = () => {
    gc?.();
    const memory = process.memoryUsage();
    samples.push({
      minute: (Date.now() - started) / 60_000,
      heapMb: memory.heapUsed / 2 ** 20,
      rssMb: memory.rss / 2 ** 20,
      p99Ms: delay.percentile(99) / 1e6,
      maxMs: delay.max / 1e6,
      handles: process.getActiveResourcesInfo().length,
      requests,
    });
    delay.reset();
    const last = samples.at(-1);
    if (last)
      console.log(
        `t=${last.minute.toFixed(1)} min heap ${last.heapMb.toFixed(1)} MB rss ${last.rssMb.toFixed(0)} MB loop p99 ${last.p99Ms.toFixed(1)} ms max ${last.maxMs.toFixed(0)} ms handles ${last.handles} requests ${last.requests}`,
      );
  };
  const sampler = setInterval(sample, 15_000);

  // A steady rate: one round started every 1000/rate ms (a round is one to five requests), four at most at once.
  const end = started + minutes * 60_000;
  let round = 0;
  let running = 0;
  while (Date.now() < end) {
    const next = Date.now() + 1000 / rate;
    if (running < 4) {
      running++;
      const n = round++;
      const work = n % 20 === 19 ? passwordRound : rounds[n % rounds.length];
      void work?.()
        .catch((error: Error) => unexpected.set(`error ${error.message}`, (unexpected.get(`error ${error.message}`) ?? 0) + 1))
        .finally(() => {
          running--;
        });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  while (running > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  clearInterval(sampler);
  sample();

  const half = samples.filter((s) => s.minute >= minutes / 2);
  console.log(`\n${requests} requests in ${minutes} min (${(requests / (minutes * 60)).toFixed(1)}/s)`);
  console.log(
    `heap after GC: first ${samples[0]?.heapMb.toFixed(1)} MB, last ${samples.at(-1)?.heapMb.toFixed(1)} MB; slope over the second half ${slope(half, 'heapMb').toFixed(2)} MB/min`,
  );
  console.log(
    `rss: first ${samples[0]?.rssMb.toFixed(0)} MB, last ${samples.at(-1)?.rssMb.toFixed(0)} MB; slope over the second half ${slope(half, 'rssMb').toFixed(2)} MB/min`,
  );
  console.log(
    `event-loop delay p99: worst sample ${Math.max(...samples.map((s) => s.p99Ms)).toFixed(1)} ms; max ${Math.max(...samples.map((s) => s.maxMs)).toFixed(0)} ms`,
  );
  console.log(`handles: first ${samples[0]?.handles}, last ${samples.at(-1)?.handles}, most ${Math.max(...samples.map((s) => s.handles))}`);
  console.log(unexpected.size === 0 ? 'unexpected answers: none' : `unexpected answers: ${JSON.stringify(Object.fromEntries(unexpected))}`);

  stopSweeps();
  await app.close();
  await deps.close();
  await storage.close();
}

/** Least-squares slope of a sample field against minutes. */
function slope<K extends 'heapMb' | 'rssMb'>(points: { minute: number; [key: string]: number }[], key: K): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.minute, 0) / n;
  const my = points.reduce((s, p) => s + (p[key] ?? 0), 0) / n;
  const num = points.reduce((s, p) => s + (p.minute - mx) * ((p[key] ?? 0) - my), 0);
  const den = points.reduce((s, p) => s + (p.minute - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
