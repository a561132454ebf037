import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import {
  authenticate,
  authorizeUrl,
  codeChallengeS256,
  createGuard,
  createRevocationList,
  exchangeCode,
  type Guard,
  type GuardRequirement,
  generateCodeVerifier,
  generateState,
  InvalidTokenError,
  RevocationDataStaleError,
  type RevocationList,
  revoke,
} from '../src/index.js';
import { authorizeInBrowser } from './support/authorize-in-browser.js';
import { type CountersignServer, startCountersign } from './support/countersign-server.js';

/**
 * The guard of a resource server against a real deployment of two Countersign instances sharing one
 * database: every revocation is made on the first instance, and the guard learns of it from the
 * second one's change feed (GET /oauth/changes), or, with Redis, from the change channel. A revoked
 * grant, a revoked jti and a deleted credential's token must be refused within one second.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WITHIN_MS = 1000;

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    await client.quit();
    return true;
  } catch (error) {
    client.disconnect();
    if (process.env.CI) throw new Error(`Redis is required in CI but ${REDIS_URL} is unreachable`, { cause: error });
    console.warn(`\n*** Redis at ${REDIS_URL} is unreachable: the guard's Redis suite is SKIPPED ***\n`);
    return false;
  }
}

interface World {
  store: { id: string; slug: string };
  salesChannel: string;
  customer: { email: string; password: string };
  staff: { email: string; password: string };
  integration: { id: string; clientId: string; clientSecret: string };
  resourceServer: { clientId: string; clientSecret: string };
  app: { clientId: string; clientSecret: string; redirectUri: string };
}

async function seed(server: CountersignServer): Promise<World> {
  const tag = randomBytes(4).toString('hex');
  const secret = () => randomBytes(18).toString('base64url');
  const store = await server.admin<{ id: string; slug: string }>('POST', '/stores', {
    slug: `guard-${tag}`,
    name: 'Guard Shop',
    currency: 'EUR',
  });
  const at = (collection: string) => `/stores/${store.id}/${collection}`;
  const priceList = await server.admin<{ id: string }>('POST', at('price_lists'), {
    mode: 'test',
    code: 'eu',
    name: 'EU',
    currency: 'EUR',
  });
  const stock = await server.admin<{ id: string }>('POST', at('stock_locations'), { mode: 'test', code: 'wh', name: 'Warehouse' });
  await server.admin('POST', at('markets'), {
    mode: 'test',
    code: 'europe',
    name: 'Europe',
    price_list_id: priceList.id,
    stock_location_ids: [stock.id],
  });
  const customer = { email: `shopper-${tag}@guard.invalid`, password: secret() };
  await server.admin('POST', at('customers'), { mode: 'test', ...customer });
  const staff = { email: `owner-${tag}@guard.invalid`, password: secret() };
  const user = await server.admin<{ id: string }>('POST', '/users', { ...staff, name: 'Olive Owner' });
  await server.admin('POST', at('memberships'), { user_id: user.id, role: 'owner' });
  const salesChannel = await server.admin<{ client_id: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'sales_channel',
    name: 'Storefront',
  });
  const integration = await server.admin<{ id: string; client_id: string; client_secret: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'integration',
    name: 'ERP',
    scopes: ['stores.view'],
  });
  const resourceServer = await server.admin<{ client_id: string; client_secret: string }>('POST', at('credentials'), {
    mode: 'test',
    kind: 'integration',
    name: 'Orders service',
    scopes: ['tokens.introspect'],
  });
  const appRedirect = 'http://127.0.0.1/app/callback';
  const app = await server.admin<{ client_id: string; client_secret: string }>('POST', '/apps', {
    owner_user_id: user.id,
    name: 'Insights',
    homepage: 'https://insights.example',
    scopes: ['stores.view'],
    redirect_uris: [appRedirect],
    confidential: true,
  });
  return {
    store,
    salesChannel: salesChannel.client_id,
    customer,
    staff,
    integration: { id: integration.id, clientId: integration.client_id, clientSecret: integration.client_secret },
    resourceServer: { clientId: resourceServer.client_id, clientSecret: resourceServer.client_secret },
    app: { clientId: app.client_id, clientSecret: app.client_secret, redirectUri: appRedirect },
  };
}

/** Checks the token until the guard refuses it as revoked; the milliseconds that took, or a failure after `WITHIN_MS`. */
async function refusedWithin(guard: Guard, token: string, requirement: GuardRequirement): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      await guard.check(`Bearer ${token}`, requirement);
    } catch (error) {
      assert.ok(error instanceof InvalidTokenError && error.reason === 'revoked', String(error));
      return performance.now() - started;
    }
    const elapsed = performance.now() - started;
    assert.ok(elapsed < WITHIN_MS, `the guard still accepted the token ${Math.round(elapsed)} ms after its revocation`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function apiKeyFor(issuer: string, w: World): Promise<string> {
  const verifier = generateCodeVerifier();
  const url = authorizeUrl({
    issuer,
    clientId: w.app.clientId,
    redirectUri: w.app.redirectUri,
    state: generateState(),
    codeChallenge: await codeChallengeS256(verifier),
  });
  const code = (await authorizeInBrowser(url, w.app.redirectUri, w.staff)).get('code') ?? '';
  return exchangeCode({
    issuer,
    appId: w.app.clientId,
    clientSecret: w.app.clientSecret,
    userAgent: 'GuardTests/1.0',
    code,
    codeVerifier: verifier,
  });
}

const redisUp = await redisReachable();

for (const withRedis of [false, true]) {
  const label = withRedis ? 'with Redis (pushed on the change channel)' : 'without Redis (the change feed)';
  describe(`the guard on a second Countersign instance, ${label}`, { timeout: 600_000, skip: withRedis && !redisUp }, () => {
    let first: CountersignServer | undefined;
    let second: CountersignServer | undefined;
    let subscriber: Redis | undefined;
    let revocations: RevocationList;
    let guard: Guard;
    let w: World;
    let issuer: string;
    const errors: unknown[] = [];

    before(
      async () => {
        const redisUrl = withRedis ? REDIS_URL : undefined;
        first = await startCountersign({ redisUrl });
        second = await startCountersign({ sameDeploymentAs: first, redisUrl });
        issuer = first.issuer;
        w = await seed(first);
        subscriber = withRedis ? new Redis(REDIS_URL) : undefined;
        revocations = createRevocationList({
          issuer: second.address,
          clientId: w.resourceServer.clientId,
          clientSecret: w.resourceServer.clientSecret,
          // With Redis the feed is read once, to catch up, and never again during the test: what the
          // guard learns after that comes over Redis alone. Without it, the feed's default pace.
          ...(subscriber ? { redis: subscriber, pollInterval: 0, maxStaleness: 600_000 } : {}),
          onError: (error) => errors.push(error),
        });
        await revocations.ready();
        guard = createGuard({ issuer, jwksUri: `${second.address}/.well-known/jwks.json`, revocations, apiKeys: true });
      },
      { timeout: 240_000 },
    );
    after(
      async () => {
        await revocations?.close();
        subscriber?.disconnect();
        await second?.stop();
        await first?.stop();
      },
      { timeout: 60_000 },
    );

    test('a revoked grant: a shopper signs out (refresh token revoked) on the first instance', { timeout: 60_000 }, async (t) => {
      const shopper = await authenticate('password', {
        issuer,
        clientId: w.salesChannel,
        username: w.customer.email,
        password: w.customer.password,
        scope: 'market:code:europe',
      });
      const requirement: GuardRequirement = { audience: 'storefront', mode: 'test', storeId: w.store.id };
      assert.equal((await guard.check(`Bearer ${shopper.accessToken}`, requirement)).grant_id !== undefined, true);
      await revoke(shopper.refreshToken as string, { issuer, clientId: w.salesChannel });
      const ms = await refusedWithin(guard, shopper.accessToken, requirement);
      t.diagnostic(`refused ${Math.round(ms)} ms after the revocation answered`);
    });

    test('a revoked jti: an integration revokes its own access token', { timeout: 60_000 }, async (t) => {
      const client = { issuer, clientId: w.integration.clientId, clientSecret: w.integration.clientSecret };
      const tokens = await authenticate('client_credentials', client);
      const requirement: GuardRequirement = { audience: 'backoffice', scopes: ['stores.view'], storeId: w.store.id };
      await guard.check(`Bearer ${tokens.accessToken}`, requirement);
      const other = await authenticate('client_credentials', client);
      await revoke(tokens.accessToken, client);
      const ms = await refusedWithin(guard, tokens.accessToken, requirement);
      t.diagnostic(`refused ${Math.round(ms)} ms after the revocation answered`);
      await guard.check(`Bearer ${other.accessToken}`, requirement); // only that jti
    });

    test("a deleted credential's token (client_credentials, no grant)", { timeout: 60_000 }, async (t) => {
      const tokens = await authenticate('client_credentials', {
        issuer,
        clientId: w.integration.clientId,
        clientSecret: w.integration.clientSecret,
      });
      const requirement: GuardRequirement = { audience: 'backoffice', storeId: w.store.id };
      await guard.check(`Bearer ${tokens.accessToken}`, requirement);
      await first?.admin('DELETE', `/stores/${w.store.id}/credentials/${w.integration.id}`, undefined, 204);
      const ms = await refusedWithin(guard, tokens.accessToken, requirement);
      t.diagnostic(`refused ${Math.round(ms)} ms after the deletion answered`);
    });

    test("an app's API key: accepted, then refused once its grant is revoked", { timeout: 120_000 }, async (t) => {
      const apiKey = await apiKeyFor(issuer, w);
      const requirement: GuardRequirement = { audience: 'backoffice', scopes: ['stores.view'], storeId: w.store.id };
      const claims = await guard.check(`Bearer ${apiKey}`, requirement);
      assert.equal(claims.exp, undefined);
      await first?.admin('DELETE', `/grants/${claims.grant_id}`, undefined, 204);
      const ms = await refusedWithin(guard, apiKey, requirement);
      t.diagnostic(`refused ${Math.round(ms)} ms after the revocation answered`);
      assert.deepEqual(errors, [], 'no poll or message failed');
    });

    test('a signing key dropped as compromised: its tokens are refused though the guard still holds the key', {
      timeout: 60_000,
    }, async (t) => {
      const tokens = await authenticate('client_credentials', {
        issuer,
        clientId: w.resourceServer.clientId,
        clientSecret: w.resourceServer.clientSecret,
      });
      const requirement: GuardRequirement = { audience: 'backoffice', storeId: w.store.id };
      await guard.check(`Bearer ${tokens.accessToken}`, requirement); // the guard has fetched and cached the key
      await first?.admin('POST', '/keys/rotate', { compromised: true }, 200);
      const ms = await refusedWithin(guard, tokens.accessToken, requirement);
      t.diagnostic(`refused ${Math.round(ms)} ms after the rotation answered`);
    });

    if (!withRedis) {
      test('fail closed: an API key is refused once the revocation data is 5 s old, and taken again after a poll', {
        timeout: 120_000,
      }, async () => {
        const apiKey = await apiKeyFor(issuer, w);
        // The list's own clock, moved by hand: freshness is read from it alone.
        let offset = Date.now();
        const clock = () => offset;
        const list = createRevocationList({
          issuer: (second as CountersignServer).address,
          clientId: w.resourceServer.clientId,
          clientSecret: w.resourceServer.clientSecret,
          pollInterval: 0,
          now: clock,
        });
        const staleGuard = createGuard({ issuer, jwksUri: `${issuer}/.well-known/jwks.json`, revocations: list, apiKeys: true });
        const requirement: GuardRequirement = { audience: 'backoffice', storeId: w.store.id };
        const access = await authenticate('client_credentials', {
          issuer,
          clientId: w.resourceServer.clientId,
          clientSecret: w.resourceServer.clientSecret,
        });
        try {
          await list.ready();
          await staleGuard.check(`Bearer ${apiKey}`, requirement);
          offset += 4999;
          await staleGuard.check(`Bearer ${apiKey}`, requirement);
          offset += 1;
          assert.equal(list.isFresh(), false);
          await assert.rejects(staleGuard.check(`Bearer ${apiKey}`, requirement), RevocationDataStaleError);
          // An access token expires by itself: it is still taken.
          await staleGuard.check(`Bearer ${access.accessToken}`, requirement);
          await list.sync();
          await staleGuard.check(`Bearer ${apiKey}`, requirement);
        } finally {
          await list.close();
        }

        // A feed that cannot be reached never makes the data fresh.
        const unreachable = createRevocationList({
          issuer: (second as CountersignServer).address,
          clientId: w.resourceServer.clientId,
          clientSecret: w.resourceServer.clientSecret,
          pollInterval: 0,
          fetch: (async () => {
            throw new TypeError('fetch failed');
          }) as typeof fetch,
        });
        try {
          await assert.rejects(unreachable.sync());
          const blind = createGuard({ issuer, jwksUri: `${issuer}/.well-known/jwks.json`, revocations: unreachable, apiKeys: true });
          await assert.rejects(blind.check(`Bearer ${apiKey}`, requirement), RevocationDataStaleError);
        } finally {
          await unreachable.close();
        }

        // A client without tokens.introspect may not read the feed.
        const refused = createRevocationList({
          issuer: (second as CountersignServer).address,
          clientId: w.app.clientId,
          clientSecret: w.app.clientSecret,
          pollInterval: 0,
        });
        try {
          await assert.rejects(refused.sync(), (error: unknown) => (error as { code?: string }).code === 'unauthorized_client');
        } finally {
          await refused.close();
        }
      });
    }
  });
}
