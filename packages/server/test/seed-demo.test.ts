import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
    const lists = Object.fromEntries((await get(`${s}/price_lists`)).data.map((l: { code: string; id: string }) => [l.code, l.id]));
    const [group] = (await get(`${s}/customer_groups`)).data;
    assert.equal(group.name, 'vip');

    const markets = (await get(`${s}/markets`)).data;
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

    assert.ok((await get(`${s}/skus`)).data.length >= 3);
    assert.ok((await get(`${s}/prices`)).data.length >= 3);
    assert.ok((await get(`${s}/stock_items`)).data.length >= 3);

    const audit = await t.deps.storage.db
      .selectFrom('audit_entries')
      .select(['actor', 'action'])
      .where('store_id', '=', seed.storeId)
      .execute();
    assert.ok(audit.length > 15);
    assert.ok(audit.every((a) => a.actor === 'system'));
  });
});
