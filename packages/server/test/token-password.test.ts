import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';

describe('POST /oauth/token with password (sales channels, SPEC §3)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
  });
  after(() => t.close());

  test('a shopper signs in: access and refresh token, owner_id and owner_type, claims of SPEC §4', async () => {
    const res = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: 'VIP@shop.invalid',
      password: 'vip password 1',
      scope: 'market:code:europe',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'created_at',
      'expires_in',
      'owner_id',
      'owner_type',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(body.owner_type, 'customer');
    assert.equal(body.owner_id, w.vipShopper.id);
    assert.equal(body.expires_in, 14400);
    assert.equal(body.scope, 'stores.products.view stores.orders.view market:code:europe');
    assert.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/);
    const claims = await w.claims(body.access_token);
    assert.equal(claims.sub, w.vipShopper.id);
    assert.deepEqual(claims.owner, { type: 'customer', id: w.vipShopper.id });
    assert.equal(claims.aud, 'storefront');
    assert.equal(typeof claims.grant_id, 'string');
    assert.equal((claims.market as { code: string }).code, 'europe');
    const stored = await t.deps.storage.db.selectFrom('refresh_tokens').select('token_hash').execute();
    assert.ok(
      stored.every((r) => r.token_hash !== body.refresh_token),
      'a refresh token is stored in the clear',
    );
  });

  test('a wrong password and an unknown email get the same invalid_grant', async () => {
    const wrong = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: w.vipShopper.email,
      password: 'nope',
      scope: 'market:code:europe',
    });
    const unknown = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: 'ghost@shop.invalid',
      password: 'nope',
      scope: 'market:code:europe',
    });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), unknown.json());
    assert.equal(wrong.json().error, 'invalid_grant');
  });

  test("a private market: its group's customer may, another customer may not", async () => {
    assert.equal(
      (
        await w.token({
          grant_type: 'password',
          client_id: w.salesChannel.clientId,
          username: w.vipShopper.email,
          password: w.vipShopper.password,
          scope: 'market:code:vip',
        })
      ).statusCode,
      200,
    );
    const outsider = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: w.shopper.email,
      password: w.shopper.password,
      scope: 'market:code:vip',
    });
    assert.equal(outsider.json().error, 'invalid_scope');
  });

  test('a sales channel still needs a market in scope', async () => {
    const res = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: w.shopper.email,
      password: w.shopper.password,
    });
    assert.equal(res.json().error, 'invalid_scope');
  });

  test('missing username or password is invalid_request', async () => {
    assert.equal(
      (await w.token({ grant_type: 'password', client_id: w.salesChannel.clientId, username: w.shopper.email })).json().error,
      'invalid_request',
    );
  });

  test('a credential with password_grant off, and an integration, are unauthorized_client', async () => {
    const closed = await w.f.credential(w.store.id, 'test', 'sales_channel', { passwordGrant: false });
    const res = await w.token({
      grant_type: 'password',
      client_id: closed.clientId,
      username: w.shopper.email,
      password: w.shopper.password,
      scope: 'market:code:europe',
    });
    assert.equal(res.json().error, 'unauthorized_client');
    const integration = await w.f.credential(w.store.id, 'test', 'integration');
    const res2 = await w.token({
      grant_type: 'password',
      client_id: integration.clientId,
      client_secret: integration.secret,
      username: w.shopper.email,
      password: w.shopper.password,
    });
    assert.equal(res2.json().error, 'unauthorized_client');
  });

  test('a test-mode sales channel does not see live customers', async () => {
    const live = await w.f.customer(w.store.id, 'live', 'live@shop.invalid', 'live password 1');
    const res = await w.token({
      grant_type: 'password',
      client_id: w.salesChannel.clientId,
      username: live.email,
      password: live.password,
      scope: 'market:code:europe',
    });
    assert.equal(res.json().error, 'invalid_grant');
  });
});

describe('failed sign-ins are throttled per (account, address), per address and per account, never locking the account', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  before(async () => {
    t = await startTestApp({ env: { COUNTERSIGN_FAILED_ATTEMPT_LIMIT: '3' } });
    w = await shopWorld(t);
  });
  after(() => t.close());

  const attempt = (password: string, remoteAddress: string, username = w.shopper.email) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      remoteAddress,
      payload: { grant_type: 'password', client_id: w.salesChannel.clientId, username, password, scope: 'market:code:europe' },
    });

  test('after the limit the address is refused with 429 before the password is checked; the account is slowed, not locked', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong', '10.0.0.7')).json().error, 'invalid_grant');
    const blocked = await attempt(w.shopper.password, '10.0.0.7');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error, 'too_many_requests');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    // SPEC §3: failures per account across all addresses are slowed too...
    assert.equal((await attempt(w.shopper.password, '10.0.0.8')).statusCode, 429, 'the account is slowed from every address');
    // ...never locked: a minute later the account signs in from another address.
    t.clock.advance(61);
    assert.equal((await attempt(w.shopper.password, '10.0.0.8')).statusCode, 200, 'the account must not be locked');
  });

  test('unknown emails count as failures too, and successes do not count', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await attempt(w.shopper.password, '10.0.0.9')).statusCode, 200);
    for (let i = 0; i < 3; i++) await attempt('x', '10.0.0.9', `ghost${i}@shop.invalid`);
    assert.equal((await attempt(w.shopper.password, '10.0.0.9')).statusCode, 429);
  });

  test('the block passes with time', async () => {
    t.clock.advance(15 * 60 + 1);
    assert.equal((await attempt(w.shopper.password, '10.0.0.7')).statusCode, 200);
  });
});

describe('the token endpoint rate limit (SPEC §3)', () => {
  test('COUNTERSIGN_TOKEN_RATE_LIMIT requests a minute per address over both paths, then 429 with Retry-After and CORS', async () => {
    const t = await startTestApp({ env: { COUNTERSIGN_TOKEN_RATE_LIMIT: '3' } });
    try {
      const w = await shopWorld(t);
      const ask = (url: string, remoteAddress = '10.1.1.1') =>
        t.app.inject({
          method: 'POST',
          url,
          remoteAddress,
          payload: { grant_type: 'client_credentials', client_id: w.salesChannel.clientId, scope: 'market:code:europe' },
        });
      assert.equal((await ask('/oauth/token')).statusCode, 200);
      assert.equal((await ask('/oauth2-token')).statusCode, 200);
      assert.equal((await ask('/oauth/token')).statusCode, 200);
      const limited = await ask('/oauth2-token');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error, 'too_many_requests');
      assert.deepEqual(limited.json().errors[0].code, 'TOO_MANY_REQUESTS');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal(limited.headers['access-control-allow-origin'], '*');
      assert.equal((await ask('/oauth/token', '10.1.1.2')).statusCode, 200, 'another address has its own budget');
      t.clock.advance(61);
      assert.equal((await ask('/oauth/token')).statusCode, 200, 'the window slides');
    } finally {
      await t.close();
    }
  });
});
