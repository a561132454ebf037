import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { countsShared, createRateLimiting, type RateLimiting } from '../src/compose/rate-limiting';
import type { Config } from '../src/config/load-config';
import { rateLimitKey, requestClientAddress } from '../src/http/client-address';
import { errorHandler } from '../src/http/errors/error-handler';
import { registerFormBodyParser } from '../src/http/form-body-parser';
import { tokenRateLimit } from '../src/http/token-rate-limit';
import { deleteKeys, redisReachable, TEST_REDIS_URL, testKeyPrefix } from './support/redis-reachable';
import { TestClock } from './support/test-clock';
import { testConfig } from './support/test-config';

const PROXY = '10.0.0.1';

/**
 * The token endpoint's shape (SPEC §3) without the grants: both paths in one plugin with the hook,
 * `wire: 'oauth'`, the real error mapper, and a CORS preflight. The lead registers the hook the same
 * way in http/token-routes.ts.
 */
async function tokenEndpointApp(limiting: RateLimiting, config: Config): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerFormBodyParser(app);
  app.setErrorHandler(errorHandler({ issuer: 'http://127.0.0.1:4000', unroutedWire: () => 'jsonapi' }));
  await app.register(async (scope) => {
    scope.addHook(
      'onRequest',
      tokenRateLimit(limiting.tokenLimiter, config.tokenRateLimit, (request) =>
        rateLimitKey(requestClientAddress(request, config.trustedProxies)),
      ),
    );
    for (const path of ['/oauth/token', '/oauth2-token']) {
      scope.options(path, async (_request, reply) => reply.code(204).send());
      scope.post(path, { config: { wire: 'oauth' } }, async () => ({ access_token: 'x', token_type: 'Bearer' }));
    }
  });
  await app.ready();
  return app;
}

function post(app: FastifyInstance, path: string, peer: string, forwardedFor?: string) {
  return app.inject({
    method: 'POST',
    url: path,
    remoteAddress: peer,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    payload: 'grant_type=client_credentials',
  });
}

describe('token endpoint rate limit (SPEC §3), in memory', () => {
  const clock = new TestClock();
  const config = testConfig({ COUNTERSIGN_TOKEN_RATE_LIMIT: '3', COUNTERSIGN_TRUSTED_PROXIES: `${PROXY}, fd00::/8` });
  const fresh = async () => tokenEndpointApp(createRateLimiting(config, clock), config);

  test('/oauth/token and /oauth2-token share one budget per address; the next request gets the SPEC 429', async () => {
    const app = await fresh();
    assert.equal((await post(app, '/oauth/token', '203.0.113.1')).statusCode, 200);
    assert.equal((await post(app, '/oauth2-token', '203.0.113.1')).statusCode, 200);
    assert.equal((await post(app, '/oauth/token', '203.0.113.1')).statusCode, 200);
    const refused = await post(app, '/oauth2-token', '203.0.113.1');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '60');
    assert.equal(refused.headers['cache-control'], 'no-store');
    const description = 'Too many token requests from this address; try again in 60 seconds.';
    assert.deepEqual(refused.json(), {
      error: 'too_many_requests',
      error_description: description,
      errors: [{ title: 'too_many_requests', code: 'TOO_MANY_REQUESTS', status: 429, detail: description }],
    });
    // Another address is not affected.
    assert.equal((await post(app, '/oauth/token', '203.0.113.2')).statusCode, 200);
    await app.close();
  });

  test('the window slides: one request fits again when the oldest is 60 s old', async () => {
    const app = await fresh();
    const peer = '203.0.113.3';
    await post(app, '/oauth/token', peer);
    clock.advance(20);
    await post(app, '/oauth/token', peer);
    await post(app, '/oauth/token', peer);
    const refused = await post(app, '/oauth/token', peer);
    assert.equal(refused.headers['retry-after'], '40');
    clock.advance(40);
    assert.equal((await post(app, '/oauth/token', peer)).statusCode, 200);
    assert.equal((await post(app, '/oauth/token', peer)).statusCode, 429);
    await app.close();
  });

  test('CORS preflights are not counted', async () => {
    const app = await fresh();
    for (let i = 0; i < 10; i++) {
      const preflight = await app.inject({ method: 'OPTIONS', url: '/oauth/token', remoteAddress: '203.0.113.4' });
      assert.equal(preflight.statusCode, 204);
    }
    assert.equal((await post(app, '/oauth/token', '203.0.113.4')).statusCode, 200);
    await app.close();
  });

  test('two clients behind a trusted proxy are counted separately', async () => {
    const app = await fresh();
    for (let i = 0; i < 3; i++) assert.equal((await post(app, '/oauth/token', PROXY, '198.51.100.10')).statusCode, 200);
    assert.equal((await post(app, '/oauth/token', PROXY, '198.51.100.10')).statusCode, 429);
    assert.equal((await post(app, '/oauth/token', PROXY, '198.51.100.11')).statusCode, 200);
    // The proxy's own budget is untouched by its clients.
    assert.equal((await post(app, '/oauth/token', PROXY)).statusCode, 200);
    await app.close();
  });

  test('a spoofed X-Forwarded-For from an untrusted peer is not believed', async () => {
    const app = await fresh();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(app, '/oauth/token', '203.0.113.5', `198.51.100.${100 + i}`)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    await app.close();
  });

  test('IPv6 clients share a budget per /64', async () => {
    const app = await fresh();
    for (let i = 1; i <= 3; i++) assert.equal((await post(app, '/oauth/token', `2001:db8:5:6::${i}`)).statusCode, 200);
    assert.equal((await post(app, '/oauth/token', '2001:db8:5:6:ffff::9')).statusCode, 429);
    assert.equal((await post(app, '/oauth/token', '2001:db8:5:7::1')).statusCode, 200);
    await app.close();
  });

  test('COUNTERSIGN_TOKEN_RATE_LIMIT=0 turns the limit off', async () => {
    const off = testConfig({ COUNTERSIGN_TOKEN_RATE_LIMIT: '0' });
    const app = await tokenEndpointApp(createRateLimiting(off, clock), off);
    for (let i = 0; i < 100; i++) assert.equal((await post(app, '/oauth/token', '203.0.113.6')).statusCode, 200);
    await app.close();
  });
});

describe('which window a hit is counted in', () => {
  test('Redis from the first request: while connecting, connected and checking, or ready', () => {
    // A new instance's first requests wait for the connection instead of counting alone: a hit
    // counted locally is one the other instances never see.
    for (const status of ['wait', 'connecting', 'connect', 'ready']) assert.equal(countsShared(status, false), true, status);
  });
  test('this instance alone once a connection that was ready is lost, until it is ready again', () => {
    for (const status of ['reconnecting', 'connecting', 'connect', 'close', 'end']) assert.equal(countsShared(status, true), false, status);
    assert.equal(countsShared('ready', true), true);
    for (const status of ['reconnecting', 'close', 'end']) assert.equal(countsShared(status, false), false, status);
  });
});

describe('token endpoint rate limit across instances on one Redis', { skip: !(await redisReachable()) && 'Redis is unreachable' }, () => {
  const prefix = testKeyPrefix();
  const clock = new TestClock();
  const config = testConfig({ COUNTERSIGN_TOKEN_RATE_LIMIT: '3', REDIS_URL: TEST_REDIS_URL });
  const limitings: RateLimiting[] = [];
  const instance = async () => {
    const limiting = createRateLimiting(config, clock, undefined, { keyPrefix: prefix });
    limitings.push(limiting);
    return tokenEndpointApp(limiting, config);
  };
  after(async () => {
    const { Redis } = await import('ioredis');
    const cleaner = new Redis(TEST_REDIS_URL);
    await deleteKeys(cleaner, prefix);
    await cleaner.quit();
    await Promise.all(limitings.map((l) => l.close()));
  });

  test('two instances share the budget of an address', async () => {
    const [one, two] = [await instance(), await instance()];
    assert.ok(limitings.every((l) => l.backend === 'redis'));
    assert.equal((await post(one, '/oauth/token', '203.0.113.7')).statusCode, 200);
    assert.equal((await post(two, '/oauth2-token', '203.0.113.7')).statusCode, 200);
    assert.equal((await post(one, '/oauth2-token', '203.0.113.7')).statusCode, 200);
    const refused = await post(two, '/oauth/token', '203.0.113.7');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '60');
    assert.equal((await post(one, '/oauth/token', '203.0.113.7')).statusCode, 429);
    await Promise.all([one.close(), two.close()]);
  });

  test('a burst spread over two instances lets exactly the limit through', async () => {
    const [one, two] = [await instance(), await instance()];
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? one : two, '/oauth/token', '203.0.113.8')));
    assert.equal(replies.filter((r) => r.statusCode === 200).length, 3);
    await Promise.all([one.close(), two.close()]);
  });
});
