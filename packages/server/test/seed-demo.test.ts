import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findDemo } from '../src/bootstrap/demo-summary';
import { resetDemo } from '../src/bootstrap/reset-demo';
import { seedDemo } from '../src/bootstrap/seed-demo';
import { passwordHasher } from '../src/core/secrets/password-hasher';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

describe('demo seed (SPEC §9)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const get = async (url: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('seeds the demo store once, through the audited service; a second call returns null', async () => {
    const service = t.deps.provisioning;
    const seed = await seedDemo(service, t.deps.random, t.deps.config.issuer);
    assert.ok(seed);
    assert.equal(await seedDemo(service, t.deps.random, t.deps.config.issuer), null);

    const store = await get(`/stores/${seed.storeId}`);
    assert.deepEqual([store.slug, store.name, store.currency], ['demo', 'Demo Store', 'EUR']);
    const s = `/stores/${seed.storeId}`;

    const locations = (await get(`${s}/stock_locations?mode=test`)).data;
    const byCode = Object.fromEntries(locations.map((l: { code: string; id: string }) => [l.code, l.id]));
    assert.deepEqual(Object.keys(byCode).sort(), ['eu_warehouse', 'us_warehouse']);
    const lists = Object.fromEntries(
      (await get(`${s}/price_lists?mode=test`)).data.map((l: { code: string; id: string }) => [l.code, l.id]),
    );
    const [group] = (await get(`${s}/customer_groups`)).data;
    assert.equal(group.name, 'vip');

    const markets = (await get(`${s}/markets?mode=test`)).data;
    const europe = markets.find((m: { code: string }) => m.code === 'europe');
    const vip = markets.find((m: { code: string }) => m.code === 'vip');
    assert.deepEqual([europe.active, europe.customer_group_id, europe.price_list_id], [true, null, lists.eur]);
    assert.deepEqual(europe.stock_location_ids, [byCode.eu_warehouse, byCode.us_warehouse]);
    assert.deepEqual([vip.active, vip.customer_group_id, vip.price_list_id], [true, group.id, lists.vip]);
    assert.deepEqual(vip.stock_location_ids, [byCode.eu_warehouse]);
    assert.deepEqual(
      seed.markets.map((m) => [m.code, m.id]),
      [
        ['europe', europe.id],
        ['vip', vip.id],
      ],
    );

    const credentials = (await get(`${s}/credentials`)).data;
    const byName = Object.fromEntries(credentials.map((c: { name: string }) => [c.name, c]));
    assert.deepEqual([byName['Demo storefront'].kind, byName['Demo storefront'].scopes], ['sales_channel', []]);
    assert.equal(byName['Demo storefront'].client_id, seed.salesChannel.clientId);
    assert.deepEqual(byName['Demo integration'].scopes, ['stores.view', 'stores.products.view', 'stores.orders.view', 'provisioning']);
    assert.equal(byName['Demo integration'].client_id, seed.integration.clientId);
    assert.deepEqual(byName['Demo back office'].redirect_uris, ['http://127.0.0.1:4000/demo/callback']);
    assert.deepEqual(byName['Demo back office'].scopes, ['stores.view', 'stores.products.view']);
    for (const secret of [seed.integration.clientSecret, seed.webapp.clientSecret]) assert.match(secret, /^[A-Za-z0-9]{72}$/);
    const row = await t.deps.storage.db
      .selectFrom('credentials')
      .select('secret_hash')
      .where('client_id', '=', seed.integration.clientId)
      .executeTakeFirstOrThrow();
    assert.ok(t.deps.secretHasher.verify(seed.integration.clientSecret, row.secret_hash));

    const [membership] = (await get(`${s}/memberships`)).data;
    assert.deepEqual([membership.user_id, membership.role], [seed.staff.id, 'owner']);
    const user = await get(`/users/${seed.staff.id}`);
    assert.deepEqual([user.email, user.name], ['staff@demo.invalid', 'Demo Staff']);
    const customer = await get(`${s}/customers/${seed.customer.id}`);
    assert.deepEqual([customer.email, customer.customer_group_id, customer.mode], ['shopper@demo.invalid', group.id, 'test']);
    for (const [table, id, password] of [
      ['users', seed.staff.id, seed.staff.password],
      ['customers', seed.customer.id, seed.customer.password],
    ] as const) {
      assert.match(password, /^[A-Za-z0-9]{16}$/);
      const { password_hash } = await t.deps.storage.db
        .selectFrom(table)
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(await passwordHasher.verify(password, password_hash));
    }

    assert.ok((await get(`${s}/skus?mode=test`)).data.length >= 3);
    assert.ok((await get(`${s}/prices?mode=test`)).data.length >= 3);
    assert.ok((await get(`${s}/stock_items?mode=test`)).data.length >= 3);

    const audit = await t.deps.storage.db
      .selectFrom('audit_entries')
      .select(['actor', 'action'])
      .where('store_id', '=', seed.storeId)
      .execute();
    assert.ok(audit.length > 15);
    assert.ok(audit.every((a) => a.actor === 'system'));

    // A little live data, for an app's API key and live credentials (they see live records only).
    const liveMarkets = (await get(`${s}/markets?mode=live`)).data;
    assert.deepEqual(
      liveMarkets.map((m: { code: string; active: boolean }) => [m.code, m.active]),
      [['europe', true]],
    );
    assert.deepEqual(
      (await get(`${s}/skus?mode=live`)).data.map((k: { code: string }) => k.code),
      ['TSHIRT-BLUE'],
    );
    assert.equal((await get(`${s}/stock_items?mode=live`)).data[0].quantity, 40);
  });

  test('a later start finds the demo ids; demo:reset gives new secrets and the old ones stop at once', async () => {
    const service = t.deps.provisioning;
    const found = await findDemo(service);
    assert.ok(found?.integration && found.webapp && found.staff && found.customer && found.salesChannel);
    const reset = await resetDemo(service, t.deps.random, t.deps.config.issuer);
    assert.equal(reset.storeId, found.storeId);
    assert.equal(reset.integration.clientId, found.integration.clientId);
    const basic = (secret: string) => `Basic ${Buffer.from(`${reset.integration.clientId}:${secret}`).toString('base64')}`;
    const token = (secret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { authorization: basic(secret), 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
    assert.equal((await token(reset.integration.clientSecret)).statusCode, 200);
    const again = await resetDemo(service, t.deps.random, t.deps.config.issuer);
    assert.notEqual(again.integration.clientSecret, reset.integration.clientSecret);
    assert.equal((await token(reset.integration.clientSecret)).statusCode, 401, 'the previous secret stopped at once');
    assert.equal((await token(again.integration.clientSecret)).statusCode, 200);
    const { password_hash } = await t.deps.storage.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', again.staff.id)
      .executeTakeFirstOrThrow();
    assert.ok(await passwordHasher.verify(again.staff.password, password_hash));
  });
});
