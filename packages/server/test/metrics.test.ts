import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectRedisChangeChannel } from '../src/adapters/redis/redis-change-channel';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { PrometheusMetrics } from '../src/adapters/system/prometheus-metrics';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { ChangeHub } from '../src/core/change-hub';
import { buildApp } from '../src/http/build-app';
import { Fixtures } from './support/fixtures';
import { redisReachable, TEST_REDIS_URL } from './support/redis-reachable';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnopq';

/** The value of one sample line of a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) {
      return Number(match[4]);
    }
  }
  return undefined;
}

describe('GET /metrics (Prometheus)', () => {
  let app: Awaited<ReturnType<typeof buildApp>>;
  let close: () => Promise<void>;
  let client: { clientId: string; secret?: string };

  before(async () => {
    const storage = await openTestStorage('sqlite');
    const config = testConfig({ COUNTERSIGN_METRICS_TOKEN: METRICS_TOKEN, COUNTERSIGN_TOKEN_RATE_LIMIT: '3' });
    const deps = await composeDependencies(config, storage, new TestClock(), cryptoRandom);
    app = await buildApp(appOptions(deps), { logger: false });
    const f = new Fixtures(storage.db, deps.secretHasher, deps.changes);
    client = await f.credential((await f.store()).id, 'test', 'integration');
    close = async () => {
      await app.close();
      await storage.close();
    };
  });
  after(() => close());

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.statusCode, 200);
    return res;
  };

  test('answers only the configured bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal(res.statusCode, 401, String(authorization));
      assert.ok(!res.body.includes('countersign_'));
    }
    const res = await scrape();
    assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('counts requests per route and grant, tokens by kind, failures by code and rate-limit refusals; leaks no secret', async () => {
    const form = (secret: string | undefined) => ({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret });
    const ok = await app.inject({ method: 'POST', url: '/oauth/token', payload: form(client.secret) });
    assert.equal(ok.statusCode, 200);
    const bad = await app.inject({ method: 'POST', url: '/oauth2-token', payload: form('not-the-secret') });
    assert.equal(bad.statusCode, 401);
    const unknown = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { ...form(client.secret), grant_type: 'made-up-grant' },
    });
    assert.equal(unknown.statusCode, 400);
    // The fourth token request from this address in a minute: over the limit of 3.
    const limited = await app.inject({ method: 'POST', url: '/oauth/token', payload: form(client.secret) });
    assert.equal(limited.statusCode, 429);

    const text = (await scrape()).body;
    const requests = (route: string, grant: string, status: string) =>
      sample(text, 'countersign_http_requests_total', { method: 'POST', route, grant_type: grant, status_code: status });
    assert.equal(requests('/oauth/token', 'client_credentials', '200'), 1);
    assert.equal(requests('/oauth2-token', 'client_credentials', '401'), 1);
    // A grant type nobody knows is labelled `other`, never with what the caller sent.
    assert.equal(requests('/oauth/token', 'other', '400'), 1);
    // The limit refuses before the body is read: no grant type is known then.
    assert.equal(requests('/oauth/token', 'none', '429'), 1);
    assert.ok(!text.includes('made-up-grant'));
    assert.equal(
      sample(text, 'countersign_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/oauth/token',
        grant_type: 'client_credentials',
      }),
      1,
    );
    assert.equal(sample(text, 'countersign_tokens_issued_total', { kind: 'access_token', grant_type: 'client_credentials' }), 1);
    assert.equal(sample(text, 'countersign_tokens_issued_total', { kind: 'refresh_token', grant_type: 'client_credentials' }), undefined);
    assert.equal(sample(text, 'countersign_request_failures_total', { error_code: 'invalid_client' }), 1);
    assert.equal(sample(text, 'countersign_request_failures_total', { error_code: 'unsupported_grant_type' }), 1);
    assert.equal(sample(text, 'countersign_request_failures_total', { error_code: 'too_many_requests' }), 1);
    assert.equal(sample(text, 'countersign_rate_limit_refusals_total', { limit: 'token_endpoint' }), 1);
    // Two reads of the client (the good and the bad secret; an unknown grant type and the refused
    // request never get that far): the first loads, the second is answered from memory.
    assert.equal(sample(text, 'countersign_cache_lookups_total', { cache: 'clients', result: 'miss' }), 1);
    assert.equal(sample(text, 'countersign_cache_lookups_total', { cache: 'clients', result: 'hit' }), 1);
    assert.equal(sample(text, 'countersign_cache_hit_ratio', { cache: 'clients' }), 0.5);
    assert.ok((sample(text, 'countersign_process_resident_memory_bytes') ?? 0) > 0, 'process metrics are exported');
    for (const secret of [client.secret!, client.clientId, ok.json().access_token as string, METRICS_TOKEN]) {
      assert.ok(!text.includes(secret), 'a secret or identifier is in the metrics');
    }
  });

  test('routes are labelled by pattern: a code in the app exchange path never becomes a label', async () => {
    await app.inject({ method: 'GET', url: '/oauth2/some-app/exchange/secret-code-in-path' });
    const text = (await scrape()).body;
    assert.ok(!text.includes('secret-code-in-path'));
    assert.ok(!text.includes('some-app'));
  });
});

test('/metrics is not served when COUNTERSIGN_METRICS_TOKEN is unset', async () => {
  const storage = await openTestStorage('sqlite');
  const deps = await composeDependencies(testConfig(), storage, new TestClock(), cryptoRandom);
  const app = await buildApp(appOptions(deps), { logger: false });
  try {
    assert.equal(deps.metrics, undefined);
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.statusCode, 404);
  } finally {
    await app.close();
    await storage.close();
  }
});

test('a COUNTERSIGN_METRICS_TOKEN shorter than 32 characters is refused at start', () => {
  assert.throws(() => testConfig({ COUNTERSIGN_METRICS_TOKEN: 'short' }), /COUNTERSIGN_METRICS_TOKEN: must be at least 32 characters/);
});

describe('change-channel lag', { skip: !(await redisReachable()) && 'Redis is unreachable' }, () => {
  test("a change another instance published is observed with its delay; one's own is not", async () => {
    const channel = `countersign:test:${cryptoRandom.bytes(6).toString('hex')}`;
    const [a, b] = [new ChangeHub(), new ChangeHub()];
    const [metricsA, metricsB] = [new PrometheusMetrics(), new PrometheusMetrics()];
    const links = [
      await connectRedisChangeChannel(
        TEST_REDIS_URL,
        a,
        (e) => assert.fail(String(e)),
        channel,
        (lag) => metricsA.changeLag(lag),
      ),
      await connectRedisChangeChannel(
        TEST_REDIS_URL,
        b,
        (e) => assert.fail(String(e)),
        channel,
        (lag) => metricsB.changeLag(lag),
      ),
    ];
    try {
      const delivered = new Promise<void>((resolve) => b.subscribe(() => resolve()));
      a.publish({ collection: 'grants', id: 'g1' });
      await delivered;
      const lagB = (await metricsB.exposition()).body;
      assert.equal(sample(lagB, 'countersign_change_channel_lag_seconds_count'), 1);
      assert.ok((sample(lagB, 'countersign_change_channel_lag_seconds_sum') ?? -1) >= 0);
      assert.equal(sample((await metricsA.exposition()).body, 'countersign_change_channel_lag_seconds_count'), 0);
    } finally {
      await Promise.all(links.map((l) => l.close()));
    }
  });
});
