import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Fixtures } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /oauth/token with client_credentials', () => {
  let t: TestApp;
  let f: Fixtures;
  let store: { id: string; slug: string };
  let integration: { id: string; clientId: string; secret?: string };
  let salesChannel: { id: string; clientId: string };
  let liveSalesChannel: { id: string; clientId: string };
  let webapp: { clientId: string; secret?: string };
  const m: Record<string, { id: string; code: string }> = {};

  const token = (payload: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: new URLSearchParams(payload).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  const guest = (scope?: string, clientId = salesChannel.clientId) =>
    token({ grant_type: 'client_credentials', client_id: clientId, ...(scope === undefined ? {} : { scope }) });
  const verify = async (accessToken: string) => {
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    return jwtVerify(accessToken, jwks, { issuer: 'http://127.0.0.1:4000', typ: 'at+jwt', currentDate: new Date(t.clock.now()) });
  };

  before(async () => {
    t = await startTestApp();
    f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
    store = await f.store('acme');
    const other = await f.store('other');
    const eu = await f.stockLocation(store.id, 'test', 'eu_warehouse');
    const us = await f.stockLocation(store.id, 'test', 'us_warehouse');
    m.eu = eu;
    m.us = us;
    const farAway = await f.stockLocation(store.id, 'test', 'far_away');
    m.farAway = farAway;
    const prices = await f.priceList(store.id, 'test', 'eur');
    const group = await f.customerGroup(store.id, 'test');
    m.europe = await f.market(store.id, 'test', 'europe', { priceListId: prices.id, stockLocationIds: [eu.id, us.id] });
    m.vip = await f.market(store.id, 'test', 'vip', { priceListId: prices.id, stockLocationIds: [eu.id], customerGroupId: group.id });
    m.closed = await f.market(store.id, 'test', 'closed', { priceListId: prices.id, active: false });
    const livePrices = await f.priceList(store.id, 'live', 'eur');
    m.liveEurope = await f.market(store.id, 'live', 'europe_live', { priceListId: livePrices.id });
    const otherPrices = await f.priceList(other.id, 'test', 'eur');
    m.otherStore = await f.market(other.id, 'test', 'elsewhere', { priceListId: otherPrices.id });
    integration = await f.credential(store.id, 'test', 'integration', { scopes: ['stores.view', 'stores.products.view'] });
    salesChannel = await f.credential(store.id, 'test', 'sales_channel');
    liveSalesChannel = await f.credential(store.id, 'live', 'sales_channel');
    webapp = await f.credential(store.id, 'test', 'webapp', { redirectUris: ['https://app.example/cb'] });
  });
  after(() => t.close());

  test('an integration authenticated with HTTP Basic gets a signed at+jwt whose claims match SPEC §4', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { authorization: basic(integration.clientId, integration.secret!) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.pragma, 'no-cache');
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'created_at', 'expires_in', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 7200);
    assert.equal(body.scope, 'stores.view stores.products.view');
    assert.equal(body.created_at, Math.floor(t.clock.now() / 1000));
    assert.equal(
      decodeProtectedHeader(body.access_token).kid,
      JSON.parse(t.deps.keyRing.jwksJson()).keys.find((k: { kid: string }) => k.kid === t.deps.keyRing.current().kid).kid,
    );
    const { payload, protectedHeader } = await verify(body.access_token);
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, integration.clientId);
    assert.equal(payload.aud, 'backoffice');
    assert.equal(payload.client_id, integration.clientId);
    assert.equal(payload.scope, 'stores.view stores.products.view');
    assert.equal(payload.test, true);
    assert.equal((payload.exp as number) - (payload.iat as number), 7200);
    assert.match(payload.jti as string, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(payload.application, { id: integration.id, client_id: integration.clientId, kind: 'integration', public: false });
    assert.deepEqual(payload.store, { id: store.id, slug: 'acme' });
    assert.equal(payload.market, undefined);
    assert.equal(payload.owner, undefined);
  });

  test('client_secret_post and a JSON body work as well as Basic and a form', async () => {
    const form = await token({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret! });
    assert.equal(form.statusCode, 200);
    const json = await t.app.inject({
      method: 'POST',
      url: '/oauth2-token',
      payload: { grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret },
    });
    assert.equal(json.statusCode, 200);
    assert.ok(json.json().access_token);
  });

  test('an unknown client and a wrong secret get the same 401 invalid_client with WWW-Authenticate', async () => {
    const wrong = await token({ grant_type: 'client_credentials' }, { authorization: basic(integration.clientId, 'x'.repeat(72)) });
    const unknown = await token({ grant_type: 'client_credentials' }, { authorization: basic('nobody', 'x'.repeat(72)) });
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.headers['www-authenticate'] as string, /^Basic realm="countersign"/);
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    assert.deepEqual(wrong.json(), unknown.json());
    assert.deepEqual(wrong.json(), {
      error: 'invalid_client',
      error_description: 'Client authentication failed',
      errors: [{ title: 'invalid_client', code: 'UNAUTHORIZED', status: 401, detail: 'Client authentication failed' }],
    });
  });

  test('a confidential client without its secret, and a public client with one, are invalid_client', async () => {
    assert.equal((await token({ grant_type: 'client_credentials', client_id: integration.clientId })).statusCode, 401);
    const res = await token({
      grant_type: 'client_credentials',
      client_id: salesChannel.clientId,
      client_secret: 'x',
      scope: 'market:code:europe',
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_client');
  });

  test('the previous secret works during its overlap period and not after', async () => {
    const rotated = await f.credential(store.id, 'test', 'integration');
    const old = rotated.secret!;
    await t.deps.storage.db
      .updateTable('credentials')
      .set({
        secret_hash: t.deps.secretHasher.hash('n'.repeat(72)),
        previous_secret_hash: t.deps.secretHasher.hash(old),
        previous_secret_expires_at: new Date(t.clock.now() + 60_000).toISOString(),
      })
      .where('id', '=', rotated.id)
      .execute();
    const ask = () => token({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: old });
    assert.equal((await ask()).statusCode, 200);
    assert.equal(
      (await token({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: 'n'.repeat(72) })).statusCode,
      200,
    );
    t.clock.advance(61 + 5); // past the overlap, and past the client cache
    assert.equal((await ask()).statusCode, 401);
    t.clock.advance(-66);
  });

  test('using Basic and client_secret together is invalid_request', async () => {
    const res = await token(
      { grant_type: 'client_credentials', client_secret: integration.secret! },
      { authorization: basic(integration.clientId, integration.secret!) },
    );
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_request');
  });

  test('a repeated parameter is invalid_request (RFC 6749 §3.2)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: `grant_type=client_credentials&client_id=${salesChannel.clientId}&scope=market:code:europe&scope=market:code:vip`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_request');
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  test('missing grant_type is invalid_request; an unknown one unsupported_grant_type', async () => {
    const missing = await token({ client_id: salesChannel.clientId });
    assert.equal(missing.json().error, 'invalid_request');
    const unknown = await token({ grant_type: 'magic', client_id: salesChannel.clientId });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error, 'unsupported_grant_type');
    assert.deepEqual(unknown.json().errors[0], {
      title: 'unsupported_grant_type',
      code: 'BAD_REQUEST',
      status: 400,
      detail: unknown.json().error_description,
    });
  });

  test('a webapp may not use client_credentials: unauthorized_client', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: webapp.clientId, client_secret: webapp.secret! });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'unauthorized_client');
  });

  describe('scope rules of SPEC §2', () => {
    test('a requested permission scope narrows the grant', async () => {
      const res = await token({
        grant_type: 'client_credentials',
        client_id: integration.clientId,
        client_secret: integration.secret!,
        scope: 'stores.view',
      });
      assert.equal(res.json().scope, 'stores.view');
      assert.equal((await verify(res.json().access_token)).payload.scope, 'stores.view');
    });

    test('a permission scope the client does not hold, or an unknown one, is invalid_scope', async () => {
      for (const scope of ['stores.orders.refund', 'stores.nonsense', 'stores.view market']) {
        const res = await token({
          grant_type: 'client_credentials',
          client_id: integration.clientId,
          client_secret: integration.secret!,
          scope,
        });
        assert.equal(res.statusCode, 400, scope);
        assert.equal(res.json().error, 'invalid_scope', scope);
      }
    });

    test('a sales channel gets a storefront guest token for a public market, by code or by id', async () => {
      for (const scope of ['market:code:europe', `market:id:${m.europe!.id}`]) {
        const res = await guest(scope);
        assert.equal(res.statusCode, 200, scope);
        assert.equal(res.json().expires_in, 14400);
        assert.equal(res.json().scope, scope);
        const { payload } = await verify(res.json().access_token);
        assert.equal(payload.aud, 'storefront');
        assert.equal(payload.sub, salesChannel.clientId);
        assert.deepEqual(payload.application, {
          id: salesChannel.id,
          client_id: salesChannel.clientId,
          kind: 'sales_channel',
          public: true,
        });
        assert.deepEqual(payload.market, {
          id: m.europe!.id,
          code: 'europe',
          price_list_id: (
            await t.deps.storage.db.selectFrom('markets').select('price_list_id').where('id', '=', m.europe!.id).executeTakeFirstOrThrow()
          ).price_list_id,
          stock_location_ids: [m.eu!.id, m.us!.id],
        });
      }
    });

    test('a sales channel without a market in scope is invalid_scope', async () => {
      const res = await guest();
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'invalid_scope');
    });

    test('a guest token for a private market is invalid_scope', async () => {
      assert.equal((await guest('market:code:vip')).json().error, 'invalid_scope');
    });

    test('an inactive market is invalid_scope', async () => {
      assert.equal((await guest('market:code:closed')).json().error, 'invalid_scope');
    });

    test('a market of the other mode or of another store does not exist for the token', async () => {
      assert.equal((await guest('market:code:europe_live')).json().error, 'invalid_scope');
      assert.equal((await guest(`market:id:${m.liveEurope!.id}`)).json().error, 'invalid_scope');
      assert.equal((await guest(`market:id:${m.otherStore!.id}`)).json().error, 'invalid_scope');
      assert.equal((await guest('market:code:europe', liveSalesChannel.clientId)).json().error, 'invalid_scope');
      const live = await guest('market:code:europe_live', liveSalesChannel.clientId);
      assert.equal(live.statusCode, 200);
      assert.equal((await verify(live.json().access_token)).payload.test, false);
    });

    test('at most one market', async () => {
      assert.equal((await guest('market:code:europe market:code:vip')).json().error, 'invalid_scope');
    });

    test('a stock location needs its market in scope, and must be one of its stock locations', async () => {
      const alone = await token({
        grant_type: 'client_credentials',
        client_id: integration.clientId,
        client_secret: integration.secret!,
        scope: 'stock_location:code:eu_warehouse',
      });
      assert.equal(alone.statusCode, 400);
      assert.equal(alone.json().error, 'invalid_scope');
      assert.equal((await guest('market:code:europe stock_location:code:far_away')).json().error, 'invalid_scope');
      assert.equal((await guest('market:code:europe stock_location:code:nowhere')).json().error, 'invalid_scope');
      const narrowed = await guest(`market:code:europe stock_location:id:${m.us!.id}`);
      assert.equal(narrowed.statusCode, 200);
      assert.equal(narrowed.json().scope, `market:code:europe stock_location:id:${m.us!.id}`);
      assert.deepEqual(
        ((await verify(narrowed.json().access_token)).payload.market as { stock_location_ids: string[] }).stock_location_ids,
        [m.us!.id],
      );
    });

    test('an integration may scope itself to a market; restriction entries stay as requested', async () => {
      const res = await token({
        grant_type: 'client_credentials',
        client_id: integration.clientId,
        client_secret: integration.secret!,
        scope: 'market:code:europe',
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().scope, 'stores.view stores.products.view market:code:europe');
    });
  });

  test("a credential's own expires_in sets the lifetime", async () => {
    const long = await f.credential(store.id, 'test', 'integration', { expiresIn: 86400 });
    const res = await token({ grant_type: 'client_credentials', client_id: long.clientId, client_secret: long.secret! });
    assert.equal(res.json().expires_in, 86400);
    const { payload } = await verify(res.json().access_token);
    assert.equal((payload.exp as number) - (payload.iat as number), 86400);
  });

  test('browsers may call the token endpoint: CORS on answers and 204 preflight without Authorization', async () => {
    const res = await guest('market:code:europe');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/oauth/token',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-headers'], 'Content-Type');
  });
});

describe('the token endpoint and cookies', () => {
  test('never sets a cookie, not even a CSRF secret (cookies are scoped to the sign-in and consent pages)', async () => {
    const t = await startTestApp();
    try {
      const f = new Fixtures(t.deps.storage.db, t.deps.secretHasher, t.deps.changes);
      const integration = await f.credential((await f.store()).id, 'test', 'integration');
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { cookie: 'cs_staff=forged; cs_csrf=x' },
        payload: { grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['set-cookie'], undefined);
    } finally {
      await t.close();
    }
  });
});
