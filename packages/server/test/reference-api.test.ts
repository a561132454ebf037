import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import type { Mode } from '../src/core/model/mode';
import { newId } from '../src/core/secrets/random-alphanumeric';
import type { AccessTokenSubject } from '../src/core/tokens/access-token-claims';
import { appExchangeWorld } from './support/app-exchange-world';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';

const stamps = { created_at: '2026-11-22T12:00:00.000Z', updated_at: '2026-11-22T12:00:00.000Z' };

describe('reference commerce API (SPEC §6)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  let otherStore: { id: string; slug: string };
  let integration: { id: string; clientId: string; secret?: string };
  let viewOnly: { id: string; clientId: string; secret?: string };
  let liveIntegration: { id: string; clientId: string; secret?: string };
  const sku: Record<string, string> = {};

  const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } });
  const codes = (res: { json(): { data: { attributes: { code: string } }[] } }) => res.json().data.map((r) => r.attributes.code);

  /** SKU rows, with their prices and stock items, written straight into the database. */
  const addSku = async (
    storeId: string,
    mode: Mode,
    code: string,
    stock: { priceListIds?: string[]; stock?: [locationId: string, quantity: number][] } = {},
  ) => {
    const db = t.deps.storage.db;
    const id = newId(cryptoRandom);
    await db
      .insertInto('skus')
      .values({ id, store_id: storeId, mode, code, name: `SKU ${code}`, ...stamps })
      .execute();
    for (const priceListId of stock.priceListIds ?? []) {
      await db
        .insertInto('prices')
        .values({ id: newId(cryptoRandom), store_id: storeId, mode, sku_id: id, price_list_id: priceListId, amount_cents: 1000, ...stamps })
        .execute();
    }
    for (const [locationId, quantity] of stock.stock ?? []) {
      await db
        .insertInto('stock_items')
        .values({ id: newId(cryptoRandom), store_id: storeId, mode, sku_id: id, stock_location_id: locationId, quantity, ...stamps })
        .execute();
    }
    sku[code] = id;
    return id;
  };

  const accessToken = async (payload: Record<string, string | undefined>) => {
    const res = await w.token(payload);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { access_token: string; refresh_token?: string };
  };
  const guestToken = async (scope = 'market:code:europe') =>
    (await accessToken({ grant_type: 'client_credentials', client_id: w.salesChannel.clientId, scope })).access_token;
  const integrationToken = async (client = integration, scope?: string) =>
    (await accessToken({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope })).access_token;
  /** A token as the token endpoint would sign it, for kinds whose grants need a browser (webapp staff, apps). */
  const issued = async (subject: Omit<AccessTokenSubject, 'issuer'>, lifetime = 7200) =>
    (await t.deps.grants.accessTokens.issue({ issuer: t.deps.config.issuer, ...subject }, lifetime)).token;

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    const f = w.f;
    otherStore = await f.store('elsewhere');
    const asia = await f.stockLocation(w.store.id, 'test', 'asia');
    const wholesale = await f.priceList(w.store.id, 'test', 'wholesale');
    integration = await f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view', 'stores.products.view'] });
    viewOnly = await f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
    liveIntegration = await f.credential(w.store.id, 'live', 'integration', { scopes: ['stores.view', 'stores.products.view'] });

    // The europe market sells from the eur price list and the eu and us stock locations.
    await addSku(w.store.id, 'test', 'in-eu', { priceListIds: [w.prices.id], stock: [[w.eu.id, 5]] });
    await addSku(w.store.id, 'test', 'zero-in-us', { priceListIds: [w.prices.id], stock: [[w.us.id, 0]] });
    await addSku(w.store.id, 'test', 'other-price-list', { priceListIds: [wholesale.id], stock: [[w.eu.id, 5]] });
    await addSku(w.store.id, 'test', 'stocked-elsewhere', { priceListIds: [w.prices.id], stock: [[asia.id, 9]] });
    await addSku(w.store.id, 'test', 'no-stock', { priceListIds: [w.prices.id] });
    // Rows that would match the market's ids but belong to another mode or store.
    await addSku(w.store.id, 'live', 'live-one', { priceListIds: [w.prices.id], stock: [[w.eu.id, 5]] });
    await addSku(otherStore.id, 'test', 'other-store', { priceListIds: [w.prices.id], stock: [[w.eu.id, 5]] });

    const livePrices = await f.priceList(w.store.id, 'live', 'eur');
    await f.market(w.store.id, 'live', 'live-europe', { priceListId: livePrices.id });
    const otherPrices = await f.priceList(otherStore.id, 'test', 'eur');
    await f.market(otherStore.id, 'test', 'other-market', { priceListId: otherPrices.id });
  });
  after(() => t.close());

  describe('GET /api/skus (storefront)', () => {
    test('a guest token for a market: only SKUs with a price in its price list and a stock item in its locations, quantity 0 included', async () => {
      const res = await get('/api/skus', await guestToken());
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(codes(res), ['in-eu', 'zero-in-us']);
      const [first] = res.json().data;
      assert.equal(first.type, 'skus');
      assert.equal(first.id, sku['in-eu']);
      assert.deepEqual(first.attributes.name, 'SKU in-eu');
    });

    test('a stock location in scope: only SKUs stocked there', async () => {
      assert.deepEqual(codes(await get('/api/skus', await guestToken('market:code:europe stock_location:code:us'))), ['zero-in-us']);
      assert.deepEqual(codes(await get('/api/skus', await guestToken('market:code:europe stock_location:code:eu'))), ['in-eu']);
    });

    test('a private market, for a shopper of its group: its own stock locations', async () => {
      const shopper = await w.signIn(w.vipShopper, 'market:code:vip');
      assert.deepEqual(codes(await get('/api/skus', shopper.access_token)), ['in-eu']);
    });

    test('never a live SKU for a test token, never another store’s', async () => {
      const listed = codes(await get('/api/skus', (await w.signIn()).access_token));
      assert.ok(!listed.includes('live-one'));
      assert.ok(!listed.includes('other-store'));
    });

    test('a back-office token: 403 FORBIDDEN', async () => {
      const res = await get('/api/skus', await integrationToken());
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().errors[0].code, 'FORBIDDEN');
      assert.equal(res.headers['content-type'], 'application/vnd.api+json');
    });
  });

  describe('back-office API', () => {
    test('GET /admin/api/stores/{id}: the token’s store', async () => {
      const res = await get(`/admin/api/stores/${w.store.id}`, await integrationToken());
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(res.json().data, {
        type: 'stores',
        id: w.store.id,
        attributes: { slug: 'shop', name: 'shop', currency: 'EUR', created_at: stamps.created_at, updated_at: stamps.updated_at },
      });
    });

    test('GET /admin/api/stores: the token’s stores only, never another', async () => {
      const res = await get('/admin/api/stores', await integrationToken());
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(
        res.json().data.map((s: { id: string }) => s.id),
        [w.store.id],
      );
      assert.equal((await get('/admin/api/stores', undefined)).statusCode, 401);
    });

    test('a store not in the token, existing or not: 403 FORBIDDEN', async () => {
      const token = await integrationToken();
      for (const id of [otherStore.id, 'no-such-store']) {
        const res = await get(`/admin/api/stores/${id}`, token);
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().errors[0].code, 'FORBIDDEN');
      }
    });

    test('GET /admin/api/markets: the token’s store and mode only', async () => {
      const res = await get('/admin/api/markets', await integrationToken());
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(codes(res), ['europe', 'vip']);
      const europe = res.json().data[0];
      assert.equal(europe.type, 'markets');
      assert.deepEqual(europe.attributes.stock_location_ids, [w.eu.id, w.us.id]);
      assert.equal(europe.attributes.price_list_id, w.prices.id);
      assert.deepEqual(codes(await get('/admin/api/markets', await integrationToken(liveIntegration))), ['live-europe']);
    });

    test('GET /admin/api/skus: every SKU of the token’s store and mode, stocked or not', async () => {
      const res = await get('/admin/api/skus', await integrationToken());
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(codes(res), ['in-eu', 'no-stock', 'other-price-list', 'stocked-elsewhere', 'zero-in-us']);
      assert.deepEqual(codes(await get('/admin/api/skus', await integrationToken(liveIntegration))), ['live-one']);
    });

    test('a back-office token restricted to a market is held to it too', async () => {
      const token = await integrationToken(integration, 'stores.products.view market:code:europe stock_location:code:eu');
      assert.deepEqual(codes(await get('/admin/api/skus', token)), ['in-eu']);
    });

    test('a missing permission scope: 403 FORBIDDEN, the scope named in the challenge (RFC 6750 §3.1)', async () => {
      const res = await get('/admin/api/skus', await integrationToken(viewOnly));
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().errors[0].code, 'FORBIDDEN');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="countersign", error="insufficient_scope", scope="stores.products.view"');
      const narrowed = await integrationToken(integration, 'stores.products.view');
      assert.equal((await get('/admin/api/markets', narrowed)).statusCode, 403);
      assert.equal((await get(`/admin/api/stores/${w.store.id}`, narrowed)).statusCode, 403);
    });

    test('a storefront token: 403 FORBIDDEN on every back-office route', async () => {
      const token = (await w.signIn()).access_token;
      for (const url of [`/admin/api/stores/${w.store.id}`, '/admin/api/markets', '/admin/api/skus']) {
        const res = await get(url, token);
        assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
        assert.equal(res.json().errors[0].code, 'FORBIDDEN');
      }
    });

    test('a staff member’s webapp token works like any back-office token', async () => {
      const staff = await w.f.user('staff@shop.invalid');
      // A real client: tokens of a client that does not exist are dead (SPEC §1 liveness).
      const webapp = await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['https://app.example/cb'] });
      const token = await issued({
        client: { id: webapp.id, clientId: webapp.clientId, kind: 'webapp', confidential: true },
        mode: 'test',
        scope: 'stores.view stores.products.view',
        store: w.store,
        owner: { type: 'user', id: staff.id },
      });
      assert.equal((await get(`/admin/api/stores/${w.store.id}`, token)).statusCode, 200);
      assert.equal((await get('/admin/api/skus', token)).json().data.length, 5);
    });

    test('an app token: live records of each of its stores, none other', async () => {
      const third = await w.f.store('third');
      await addSku(otherStore.id, 'live', 'live-elsewhere');
      await addSku(third.id, 'live', 'live-third');
      const app = await w.f.app((await w.f.user('developer@shop.invalid')).id);
      const token = await issued({
        client: { id: app.id, clientId: app.clientId, kind: 'app', confidential: true },
        mode: 'live',
        scope: 'stores.view stores.products.view',
        stores: [w.store, otherStore],
      });
      assert.deepEqual(codes(await get('/admin/api/skus', token)).sort(), ['live-elsewhere', 'live-one']);
      assert.equal((await get(`/admin/api/stores/${otherStore.id}`, token)).statusCode, 200);
      assert.equal((await get(`/admin/api/stores/${third.id}`, token)).statusCode, 403);
      const markets = (await get('/admin/api/markets', token)).json().data;
      assert.deepEqual(
        markets.map((m: { relationships: { store: { data: { id: string } } } }) => m.relationships.store.data.id),
        [w.store.id],
      );
    });
  });

  describe('apps’ API keys (SPEC §4)', () => {
    test('an API key from the app exchange: live records of the chosen stores, 403 elsewhere, 401 once revoked', async () => {
      const x = await appExchangeWorld(t);
      const [first, second, unchosen] = x.stores;
      await addSku(first.id, 'live', 'key-live');
      await addSku(first.id, 'test', 'key-test');
      const apiKey = await x.apiKey();
      assert.equal((await get(`/admin/api/stores/${second.id}`, apiKey)).statusCode, 200);
      assert.equal((await get(`/admin/api/stores/${unchosen.id}`, apiKey)).statusCode, 403);
      assert.deepEqual(codes(await get('/admin/api/skus', apiKey)), ['key-live']);
      assert.equal((await get('/api/skus', apiKey)).statusCode, 403, 'an app is back office');
      assert.equal((await x.revoke(x.app, apiKey)).statusCode, 200);
      const res = await get(`/admin/api/stores/${first.id}`, apiKey);
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="countersign", error="invalid_token"');
    });
  });

  describe('tokens that are not good: 401 INVALID_TOKEN', () => {
    const assertInvalid = (res: Awaited<ReturnType<typeof get>>, challenge = 'Bearer realm="countersign", error="invalid_token"') => {
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.headers['www-authenticate'], challenge);
      assert.equal(res.headers['content-type'], 'application/vnd.api+json');
      assert.equal(res.json().errors[0].code, 'INVALID_TOKEN');
      assert.equal(res.json().errors[0].status, '401');
    };

    test('no token: a bare Bearer challenge, without an error code (RFC 6750 §3.1)', async () => {
      for (const url of ['/api/skus', '/admin/api/markets']) assertInvalid(await get(url), 'Bearer realm="countersign"');
    });

    test('a malformed token or another scheme', async () => {
      assertInvalid(await get('/api/skus', 'not-a-jwt'));
      assertInvalid(await t.app.inject({ method: 'GET', url: '/admin/api/markets', headers: { authorization: 'Basic dXNlcjpwYXNz' } }));
    });

    test('a forged token: another key (under the server’s kid or its own), or a genuine signature over altered claims', async () => {
      const genuine = await guestToken();
      const { kid } = decodeProtectedHeader(genuine);
      const claims = JSON.parse(Buffer.from(genuine.split('.')[1] as string, 'base64url').toString());
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: kid as string }).sign(privateKey);
      assertInvalid(await get('/api/skus', forged));
      assertInvalid(
        await get('/api/skus', await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'mine' }).sign(privateKey)),
      );
      // A genuine signature over other claims (a private market swapped in).
      const tampered = `${genuine.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, scope: 'market:code:vip' })).toString('base64url')}.${genuine.split('.')[2]}`;
      assertInvalid(await get('/api/skus', tampered));
    });

    test('an expired token', async () => {
      const token = await issued(
        {
          client: { id: integration.id, clientId: integration.clientId, kind: 'integration', confidential: true },
          mode: 'test',
          scope: 'stores.view',
          store: w.store,
        },
        60,
      );
      assert.equal((await get('/admin/api/markets', token)).statusCode, 200);
      t.clock.advance(61);
      assertInvalid(await get('/admin/api/markets', token));
    });

    test('an access token revoked through POST /oauth/revoke', async () => {
      const token = await guestToken();
      assert.equal((await get('/api/skus', token)).statusCode, 200);
      assert.equal((await w.revoke({ client_id: w.salesChannel.clientId, token })).statusCode, 200);
      assertInvalid(await get('/api/skus', token));
    });

    test('an access token whose grant was revoked (its refresh token revoked)', async () => {
      const shopper = await w.signIn();
      assert.equal((await get('/api/skus', shopper.access_token)).statusCode, 200);
      assert.equal((await w.revoke({ client_id: w.salesChannel.clientId, token: shopper.refresh_token })).statusCode, 200);
      assertInvalid(await get('/api/skus', shopper.access_token));
    });
  });
});
