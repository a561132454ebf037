import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordChange } from '../src/core/model/record-change';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

type Body = Record<string, unknown>;

/** Every key of every object in `value`, recursively. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

for (const dialect of await testDialects()) {
  describe(`provisioning API (SPEC §5) on ${dialect}`, () => {
    let t: TestApp;
    const changes: RecordChange[] = [];
    const bodies: string[] = [];

    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Body, token = TEST_ADMIN_TOKEN) => {
      const res = await t.app.inject({
        method,
        url: `/provisioning/v1${url}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload }),
      });
      bodies.push(res.body);
      return res;
    };
    const create = async (url: string, payload: Body) => {
      const res = await call('POST', url, payload);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as Body & { id: string };
    };
    const auditCount = async () => (await t.deps.storage.db.selectFrom('audit_entries').select('id').execute()).length;
    const pointers = (res: { json(): unknown }) =>
      ((res.json() as { errors: { source: { pointer: string } }[] }).errors ?? []).map((e) => e.source.pointer).sort();

    /** A store with one of everything in test mode. */
    let store: Body & { id: string };
    let s: string;
    const ids: Record<string, string> = {};

    before(async () => {
      t = await startTestApp({ dialect });
      t.deps.changes.subscribe((c) => changes.push(c));
      store = await create('/stores', { slug: 'acme', name: 'Acme', currency: 'EUR' });
      s = `/stores/${store.id}`;
      ids.euWarehouse = (await create(`${s}/stock_locations`, { mode: 'test', code: 'eu', name: 'EU warehouse' })).id;
      ids.usWarehouse = (await create(`${s}/stock_locations`, { mode: 'test', code: 'us', name: 'US warehouse' })).id;
      ids.liveWarehouse = (await create(`${s}/stock_locations`, { mode: 'live', code: 'eu', name: 'Live warehouse' })).id;
      ids.priceList = (await create(`${s}/price_lists`, { mode: 'test', code: 'eur', name: 'EUR', currency: 'EUR' })).id;
      ids.group = (await create(`${s}/customer_groups`, { mode: 'test', name: 'VIP' })).id;
      ids.sku = (await create(`${s}/skus`, { mode: 'test', code: 'SKU-1', name: 'Shirt' })).id;
      ids.user = (await create('/users', { email: 'Staff@Example.com', password: 'correct horse', name: 'Staff' })).id;
    });
    after(() => t.close());

    describe('authentication', () => {
      test('no token: 401 with a Bearer challenge', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/provisioning/v1/stores' });
        assert.equal(res.statusCode, 401);
        assert.match(String(res.headers['www-authenticate']), /^Bearer /);
        assert.equal(res.json().errors[0].code, 'INVALID_TOKEN');
      });

      test('a wrong token, or the admin token under another scheme: 401', async () => {
        for (const authorization of [
          `Bearer ${TEST_ADMIN_TOKEN}x`,
          `Basic ${TEST_ADMIN_TOKEN}`,
          'Bearer',
          `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`,
        ]) {
          const res = await t.app.inject({ method: 'GET', url: '/provisioning/v1/stores', headers: { authorization } });
          assert.equal(res.statusCode, 401, authorization);
          assert.match(String(res.headers['www-authenticate']), /^Bearer .*error="invalid_token"/);
        }
      });

      test('the admin token is accepted whatever the case of the scheme (RFC 7235 §2.1)', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/provisioning/v1/stores',
          headers: { authorization: `bearer ${TEST_ADMIN_TOKEN}` },
        });
        assert.equal(res.statusCode, 200);
      });
    });

    describe('create answers 201 with the full record, and read and list show the same', () => {
      const cases: [string, () => string, () => Body, (r: Body) => void][] = [
        ['stores', () => '/stores', () => ({ slug: 'second', name: 'Second', currency: 'USD' }), (r) => assert.equal(r.slug, 'second')],
        [
          'stock_locations',
          () => `${s}/stock_locations`,
          () => ({ mode: 'test', code: 'fr', name: 'FR' }),
          (r) => assert.deepEqual([r.store_id, r.mode, r.code], [store.id, 'test', 'fr']),
        ],
        [
          'price_lists',
          () => `${s}/price_lists`,
          () => ({ mode: 'live', code: 'usd', name: 'USD', currency: 'USD' }),
          (r) => assert.equal(r.currency, 'USD'),
        ],
        [
          'customer_groups',
          () => `${s}/customer_groups`,
          () => ({ mode: 'live', name: 'Wholesale' }),
          (r) => assert.equal(r.name, 'Wholesale'),
        ],
        [
          'markets',
          () => `${s}/markets`,
          () => ({
            mode: 'test',
            code: 'europe',
            name: 'Europe',
            active: true,
            price_list_id: ids.priceList,
            stock_location_ids: [ids.usWarehouse, ids.euWarehouse],
            customer_group_id: ids.group,
          }),
          (r) => {
            assert.deepEqual(r.stock_location_ids, [ids.usWarehouse, ids.euWarehouse]);
            assert.equal(r.customer_group_id, ids.group);
            assert.equal(r.active, true);
          },
        ],
        [
          'customers',
          () => `${s}/customers`,
          () => ({ mode: 'test', email: 'Shopper@Example.COM', password: 'password-123', customer_group_id: ids.group }),
          (r) => assert.equal(r.email, 'shopper@example.com'),
        ],
        [
          'users',
          () => '/users',
          () => ({ email: 'dev@example.com', password: 'password-123', name: 'Dev' }),
          (r) => assert.equal(r.name, 'Dev'),
        ],
        [
          'memberships',
          () => `${s}/memberships`,
          () => ({ user_id: ids.user, role: 'owner' }),
          (r) => assert.deepEqual([r.store_id, r.user_id, r.role], [store.id, ids.user, 'owner']),
        ],
        [
          'credentials',
          () => `${s}/credentials`,
          () => ({ mode: 'test', kind: 'sales_channel', name: 'Storefront' }),
          (r) => {
            assert.deepEqual([r.scopes, r.redirect_uris, r.password_grant, r.expires_in, r.jwks], [[], [], true, null, null]);
            assert.match(String(r.client_id), /^[A-Za-z0-9]{32}$/);
          },
        ],
        [
          'apps',
          () => '/apps',
          () => ({
            owner_user_id: ids.user,
            name: 'Reports',
            description: 'Sales reports',
            homepage: 'https://reports.example',
            scopes: ['stores.view'],
            redirect_uris: ['https://reports.example/cb'],
            confidential: false,
          }),
          (r) => assert.deepEqual([r.confidential, r.redirect_uris], [false, ['https://reports.example/cb']]),
        ],
        ['skus', () => `${s}/skus`, () => ({ mode: 'test', code: 'SKU-2', name: 'Mug' }), (r) => assert.equal(r.code, 'SKU-2')],
        [
          'prices',
          () => `${s}/prices`,
          () => ({ mode: 'test', sku_id: ids.sku, price_list_id: ids.priceList, amount_cents: 1999 }),
          (r) => assert.equal(r.amount_cents, 1999),
        ],
        [
          'stock_items',
          () => `${s}/stock_items`,
          () => ({ mode: 'test', sku_id: ids.sku, stock_location_id: ids.euWarehouse, quantity: 3 }),
          (r) => assert.equal(r.quantity, 3),
        ],
      ];
      for (const [collection, url, payload, check] of cases) {
        test(collection, async () => {
          const res = await call('POST', url(), payload());
          assert.equal(res.statusCode, 201, res.body);
          const record = res.json();
          assert.match(record.id, /^[A-Za-z0-9]{20}$/);
          assert.equal(record.created_at, new Date(t.clock.now()).toISOString());
          check(record);
          const read = await call('GET', `${url()}/${record.id}`);
          assert.equal(read.statusCode, 200);
          assert.deepEqual(read.json(), record);
          const list = await call('GET', url());
          assert.ok(
            list.json().data.some((r: Body) => r.id === record.id),
            'listed',
          );
          assert.deepEqual(changes.at(-1), { collection, id: record.id });
        });
      }
    });

    describe('secrets', () => {
      test('client_secret is 72 characters of [A-Za-z0-9], only in the create answer of confidential clients', async () => {
        for (const kind of ['integration', 'webapp'] as const) {
          const created = await create(`${s}/credentials`, {
            mode: 'test',
            kind,
            name: kind,
            ...(kind === 'webapp' ? { redirect_uris: ['http://127.0.0.1:9000/cb'] } : {}),
          });
          assert.match(String(created.client_secret), /^[A-Za-z0-9]{72}$/);
          const read = await call('GET', `${s}/credentials/${created.id}`);
          assert.equal(read.json().client_secret, undefined);
          assert.ok(!read.body.includes(String(created.client_secret)));
          const list = await call('GET', `${s}/credentials`);
          assert.ok(!list.body.includes(String(created.client_secret)));
        }
        const publicClient = await create(`${s}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'SC' });
        assert.equal(publicClient.client_secret, undefined);
        const app = await create('/apps', {
          owner_user_id: ids.user,
          name: 'A',
          homepage: 'https://a.example',
          redirect_uris: ['https://a.example/cb'],
        });
        assert.equal(app.confidential, true);
        assert.match(String(app.client_secret), /^[A-Za-z0-9]{72}$/);
        assert.ok(!(await call('GET', `/apps/${app.id}`)).body.includes(String(app.client_secret)));
      });

      test('rotate_secret answers {client_secret, previous_secret_expires_at} for credentials and apps', async () => {
        const credential = await create(`${s}/credentials`, { mode: 'live', kind: 'integration', name: 'rotating' });
        const app = await create('/apps', {
          owner_user_id: ids.user,
          name: 'R',
          homepage: 'https://r.example',
          redirect_uris: ['https://r.example/cb'],
        });
        for (const url of [`${s}/credentials/${credential.id}/rotate_secret`, `/apps/${app.id}/rotate_secret`]) {
          const res = await call('POST', url);
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json();
          assert.deepEqual(Object.keys(body).sort(), ['client_secret', 'previous_secret_expires_at']);
          assert.match(body.client_secret, /^[A-Za-z0-9]{72}$/);
          assert.notEqual(body.client_secret, credential.client_secret);
          assert.equal(body.previous_secret_expires_at, new Date(t.clock.now() + 86400_000).toISOString());
          assert.equal(res.headers['cache-control'], 'no-store');
        }
        const read = await call('GET', `${s}/credentials/${credential.id}`);
        assert.equal(read.json().previous_secret_expires_at, new Date(t.clock.now() + 86400_000).toISOString());
      });

      test('rotating a public client is a 409, unknown ids a 404', async () => {
        const sc = await create(`${s}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'public' });
        assert.equal((await call('POST', `${s}/credentials/${sc.id}/rotate_secret`)).statusCode, 409);
        assert.equal((await call('POST', `${s}/credentials/nope/rotate_secret`)).statusCode, 404);
        assert.equal((await call('POST', '/apps/nope/rotate_secret')).statusCode, 404);
      });

      test('passwords are stored as scrypt hashes', async () => {
        const customer = await create(`${s}/customers`, { mode: 'live', email: 'hash@example.com', password: 'my-password' });
        const row = await t.deps.storage.db
          .selectFrom('customers')
          .select('password_hash')
          .where('id', '=', customer.id)
          .executeTakeFirstOrThrow();
        assert.match(row.password_hash, /^scrypt\$/);
        assert.ok(!row.password_hash.includes('my-password'));
      });
    });

    describe('validation: 422 listing every problem with a JSON pointer', () => {
      test('several problems in one market at once', async () => {
        const res = await call('POST', `${s}/markets`, {
          mode: 'staging',
          code: 'has space',
          active: 'yes',
          price_list_id: ids.priceList,
          stock_location_ids: [ids.euWarehouse, 7],
          colour: 'blue',
        });
        assert.equal(res.statusCode, 422);
        for (const e of res.json().errors) {
          assert.equal(e.status, '422');
          assert.equal(e.code, 'VALIDATION_ERROR');
          assert.equal(typeof e.title, 'string');
          assert.equal(typeof e.detail, 'string');
        }
        assert.deepEqual(pointers(res), ['/active', '/code', '/colour', '/mode', '/name', '/stock_location_ids/1']);
      });

      test('credentials: scopes from the catalog, redirect URIs without fragment, lifetime bounds, public keys only', async () => {
        const res = await call('POST', `${s}/credentials`, {
          mode: 'test',
          kind: 'integration',
          name: 'bad',
          scopes: ['stores.view', 'admin.everything'],
          redirect_uris: ['https://ok.example/cb', 'https://x.example/cb#frag', 'not a url'],
          expires_in: 60,
          jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] },
          password_grant: 'no',
        });
        assert.equal(res.statusCode, 422);
        assert.deepEqual(pointers(res), [
          '/expires_in',
          '/jwks/keys/0',
          '/password_grant',
          '/redirect_uris/1',
          '/redirect_uris/2',
          '/scopes/1',
        ]);
      });

      test('a JWKS with a private key is refused; a public one is kept', async () => {
        const { generateKeyPair, exportJWK } = await import('jose');
        const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
        const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256' };
        const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256' };
        const refused = await call('POST', `${s}/credentials`, {
          mode: 'test',
          kind: 'integration',
          name: 'j',
          jwks: { keys: [publicJwk, privateJwk] },
        });
        assert.equal(refused.statusCode, 422);
        assert.deepEqual(pointers(refused), ['/jwks/keys/1']);
        const kept = await create(`${s}/credentials`, {
          mode: 'test',
          kind: 'integration',
          name: 'j',
          jwks: { keys: [publicJwk] },
          expires_in: 7200,
        });
        assert.deepEqual(kept.jwks, { keys: [publicJwk] });
        assert.equal(kept.expires_in, 7200);
      });

      test('a webapp needs 1–10 redirect URIs; an app too', async () => {
        const webapp = await call('POST', `${s}/credentials`, { mode: 'test', kind: 'webapp', name: 'w' });
        assert.deepEqual(pointers(webapp), ['/redirect_uris']);
        const eleven = Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`);
        const app = await call('POST', '/apps', { owner_user_id: ids.user, name: 'A', homepage: 'ftp://a.example', redirect_uris: eleven });
        assert.deepEqual(pointers(app), ['/homepage', '/redirect_uris']);
        const created = await create(`${s}/credentials`, {
          mode: 'test',
          kind: 'webapp',
          name: 'w',
          redirect_uris: ['https://w.example/cb'],
        });
        const emptied = await call('PATCH', `${s}/credentials/${created.id}`, { redirect_uris: [] });
        assert.equal(emptied.statusCode, 422);
        assert.deepEqual(pointers(emptied), ['/redirect_uris']);
      });

      test('missing body, wrong types and unknown fields on stores and users; unparseable JSON is 400', async () => {
        const empty = await t.app.inject({
          method: 'POST',
          url: '/provisioning/v1/stores',
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        assert.equal(empty.statusCode, 422);
        assert.deepEqual(pointers(empty), ['']);
        const store = await call('POST', '/stores', { slug: '-Bad', currency: 'eur', extra: true });
        assert.deepEqual(pointers(store), ['/currency', '/extra', '/name', '/slug']);
        const user = await call('POST', '/users', { email: 'not-an-email', password: 'short', name: '' });
        assert.deepEqual(pointers(user), ['/email', '/name', '/password']);
        const broken = await t.app.inject({
          method: 'POST',
          url: '/provisioning/v1/stores',
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
          payload: '{"slug": ',
        });
        assert.equal(broken.statusCode, 400);
      });

      test('a PATCH is validated like a create and refuses fields that cannot change', async () => {
        const res = await call('PATCH', `${s}/price_lists/${ids.priceList}`, { currency: 'euro', mode: 'live' });
        assert.equal(res.statusCode, 422);
        assert.deepEqual(pointers(res), ['/currency', '/mode']);
      });

      test('in production, redirect URIs must be https except on loopback hosts', async () => {
        const prod = await startTestApp({ env: { COUNTERSIGN_ENV: 'production', COUNTERSIGN_ISSUER: 'https://auth.example' } });
        try {
          const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
          const st = (
            await prod.app.inject({
              method: 'POST',
              url: '/provisioning/v1/stores',
              headers: auth,
              payload: { slug: 'p', name: 'P', currency: 'EUR' },
            })
          ).json();
          const res = await prod.app.inject({
            method: 'POST',
            url: `/provisioning/v1/stores/${st.id}/credentials`,
            headers: auth,
            payload: {
              mode: 'live',
              kind: 'webapp',
              name: 'w',
              redirect_uris: [
                'http://shop.example/cb',
                'http://127.0.0.1:8080/cb',
                'http://[::1]/cb',
                'http://localhost/cb',
                'https://shop.example/cb',
              ],
            },
          });
          assert.equal(res.statusCode, 422);
          assert.deepEqual(pointers(res), ['/redirect_uris/0']);
        } finally {
          await prod.close();
        }
      });
    });

    describe('references', () => {
      test('references to another store or to the other mode are refused with 422 and a pointer', async () => {
        const other = await create('/stores', { slug: 'elsewhere', name: 'Elsewhere', currency: 'EUR' });
        const foreignList = (await create(`/stores/${other.id}/price_lists`, { mode: 'test', code: 'x', name: 'X', currency: 'EUR' })).id;
        const market = await call('POST', `${s}/markets`, {
          mode: 'test',
          code: 'cross',
          name: 'Cross',
          price_list_id: foreignList,
          stock_location_ids: [ids.euWarehouse, ids.liveWarehouse],
          customer_group_id: 'missing',
        });
        assert.equal(market.statusCode, 422);
        assert.deepEqual(pointers(market), ['/customer_group_id', '/price_list_id', '/stock_location_ids/1']);
        const stock = await call('POST', `${s}/stock_items`, {
          mode: 'live',
          sku_id: ids.sku,
          stock_location_id: ids.liveWarehouse,
          quantity: 1,
        });
        assert.deepEqual(pointers(stock), ['/sku_id']);
        const membership = await call('POST', `${s}/memberships`, { user_id: 'nobody', role: 'admin' });
        assert.deepEqual(pointers(membership), ['/user_id']);
        const app = await call('POST', '/apps', {
          owner_user_id: 'nobody',
          name: 'A',
          homepage: 'https://a.example',
          redirect_uris: ['https://a.example/cb'],
        });
        assert.deepEqual(pointers(app), ['/owner_user_id']);
      });
    });

    describe('not found', () => {
      test('unknown store: 404 for every collection under it', async () => {
        for (const c of ['stock_locations', 'markets', 'credentials', 'memberships']) {
          assert.equal((await call('GET', `/stores/nope/${c}`)).statusCode, 404, c);
          assert.equal((await call('POST', `/stores/nope/${c}`, {})).statusCode, 422, `${c}: the body is checked first`);
        }
        assert.equal((await call('POST', '/stores/nope/skus', { mode: 'test', code: 'a', name: 'b' })).statusCode, 404);
        assert.equal((await call('GET', '/stores/nope')).statusCode, 404);
      });

      test('unknown ids, and a record of another store, are 404', async () => {
        const other = await create('/stores', { slug: 'other-404', name: 'Other', currency: 'EUR' });
        const o = `/stores/${other.id}`;
        assert.equal((await call('GET', `${s}/skus/nope`)).statusCode, 404);
        assert.equal((await call('GET', '/users/nope')).statusCode, 404);
        assert.equal((await call('GET', `${o}/skus/${ids.sku}`)).statusCode, 404);
        assert.equal((await call('PATCH', `${o}/skus/${ids.sku}`, { name: 'stolen' })).statusCode, 404);
        assert.equal((await call('DELETE', `${o}/skus/${ids.sku}`)).statusCode, 404);
        assert.equal((await call('GET', `${s}/skus/${ids.sku}`)).json().name, 'Shirt');
      });
    });

    describe('conflicts: 409', () => {
      test('each unique key', async () => {
        const cases: [string, Body][] = [
          ['/stores', { slug: 'acme', name: 'Again', currency: 'EUR' }],
          [`${s}/stock_locations`, { mode: 'test', code: 'eu', name: 'Again' }],
          [`${s}/price_lists`, { mode: 'test', code: 'eur', name: 'Again', currency: 'EUR' }],
          [`${s}/skus`, { mode: 'test', code: 'SKU-1', name: 'Again' }],
          ['/users', { email: 'STAFF@example.com', password: 'password-1', name: 'Again' }],
        ];
        await create(`${s}/customers`, { mode: 'test', email: 'dup@example.com', password: 'password-1' });
        cases.push([`${s}/customers`, { mode: 'test', email: 'DUP@example.com', password: 'password-2' }]);
        const market = { mode: 'test', name: 'M', price_list_id: ids.priceList, stock_location_ids: [ids.euWarehouse] };
        await create(`${s}/markets`, { ...market, code: 'dup' });
        cases.push([`${s}/markets`, { ...market, code: 'dup' }]);
        const user = await create('/users', { email: 'member@example.com', password: 'password-1', name: 'Member' });
        await create(`${s}/memberships`, { user_id: user.id, role: 'member' });
        cases.push([`${s}/memberships`, { user_id: user.id, role: 'admin' }]);
        const sku = await create(`${s}/skus`, { mode: 'test', code: 'SKU-409', name: 'x' });
        await create(`${s}/prices`, { mode: 'test', sku_id: sku.id, price_list_id: ids.priceList, amount_cents: 1 });
        cases.push([`${s}/prices`, { mode: 'test', sku_id: sku.id, price_list_id: ids.priceList, amount_cents: 2 }]);
        await create(`${s}/stock_items`, { mode: 'test', sku_id: sku.id, stock_location_id: ids.usWarehouse, quantity: 1 });
        cases.push([`${s}/stock_items`, { mode: 'test', sku_id: sku.id, stock_location_id: ids.usWarehouse, quantity: 2 }]);

        for (const [url, payload] of cases) {
          const before = await auditCount();
          const res = await call('POST', url, payload);
          assert.equal(res.statusCode, 409, `${url}: ${res.body}`);
          assert.equal(res.json().errors[0].code, 'CONFLICT');
          assert.equal(await auditCount(), before, `${url}: a refused write leaves no audit entry`);
        }
        // The same code in the other mode is another key.
        await create(`${s}/skus`, { mode: 'live', code: 'SKU-1', name: 'Live shirt' });
        // A PATCH onto a taken key is a conflict too.
        const second = await create(`${s}/stock_locations`, { mode: 'test', code: 'second', name: 'Second' });
        assert.equal((await call('PATCH', `${s}/stock_locations/${second.id}`, { code: 'eu' })).statusCode, 409);
      });

      test('deleting a record that is still referenced', async () => {
        const list = await create(`${s}/price_lists`, { mode: 'test', code: 'used', name: 'Used', currency: 'EUR' });
        const loc = await create(`${s}/stock_locations`, { mode: 'test', code: 'used', name: 'Used' });
        const group = await create(`${s}/customer_groups`, { mode: 'test', name: 'Used' });
        await create(`${s}/markets`, { mode: 'test', code: 'uses', name: 'Uses', price_list_id: list.id, stock_location_ids: [loc.id] });
        await create(`${s}/customers`, { mode: 'test', email: 'grouped@example.com', password: 'password-1', customer_group_id: group.id });
        for (const url of [`${s}/price_lists/${list.id}`, `${s}/stock_locations/${loc.id}`, `${s}/customer_groups/${group.id}`]) {
          const before = await auditCount();
          const res = await call('DELETE', url);
          assert.equal(res.statusCode, 409, url);
          assert.equal(await auditCount(), before);
          assert.equal((await call('GET', url)).statusCode, 200);
        }
      });
    });

    describe('update and delete', () => {
      test('PATCH changes only the given fields; DELETE answers 204 and the record is gone', async () => {
        const group = await create(`${s}/customer_groups`, { mode: 'test', name: 'Temp' });
        const customer = await create(`${s}/customers`, {
          mode: 'test',
          email: 'patch@example.com',
          password: 'password-1',
          customer_group_id: group.id,
        });
        t.clock.advance(60);
        const patched = await call('PATCH', `${s}/customers/${customer.id}`, { email: 'NEW@example.com', customer_group_id: null });
        assert.equal(patched.statusCode, 200, patched.body);
        assert.deepEqual(patched.json(), {
          ...customer,
          email: 'new@example.com',
          customer_group_id: null,
          updated_at: new Date(t.clock.now()).toISOString(),
        });
        const removed = await call('DELETE', `${s}/customer_groups/${group.id}`);
        assert.equal(removed.statusCode, 204);
        assert.equal(removed.body, '');
        assert.equal((await call('GET', `${s}/customer_groups/${group.id}`)).statusCode, 404);
        assert.deepEqual(changes.at(-1), { collection: 'customer_groups', id: group.id });
      });

      test('deleting a store deletes what is in it', async () => {
        const doomed = await create('/stores', { slug: 'doomed', name: 'Doomed', currency: 'EUR' });
        const d = `/stores/${doomed.id}`;
        const list = await create(`${d}/price_lists`, { mode: 'test', code: 'p', name: 'P', currency: 'EUR' });
        const loc = await create(`${d}/stock_locations`, { mode: 'test', code: 'l', name: 'L' });
        await create(`${d}/markets`, { mode: 'test', code: 'm', name: 'M', price_list_id: list.id, stock_location_ids: [loc.id] });
        await create(`${d}/memberships`, { user_id: ids.user, role: 'admin' });
        assert.equal((await call('DELETE', d)).statusCode, 204);
        assert.equal((await call('GET', d)).statusCode, 404);
        assert.equal((await call('GET', `/users/${ids.user}`)).statusCode, 200, 'users outlive the store');
      });

      test('lists filter by ?mode; another value is a 400', async () => {
        const test = await call('GET', `${s}/stock_locations?mode=test`);
        assert.ok(test.json().data.length >= 2);
        assert.ok(test.json().data.every((r: Body) => r.mode === 'test'));
        const live = await call('GET', `${s}/stock_locations?mode=live`);
        assert.deepEqual(
          live.json().data.map((r: Body) => r.id),
          [ids.liveWarehouse],
        );
        assert.equal((await call('GET', `${s}/stock_locations?mode=prod`)).statusCode, 400);
      });
    });

    describe('audit', () => {
      test('a write commits its audit entry; details name what changed and never a password', async () => {
        const before = await auditCount();
        const user = await create('/users', { email: 'audited@example.com', password: 'first-password', name: 'Audited' });
        await call('PATCH', `/users/${user.id}`, { password: 'second-password' });
        await call('DELETE', `/users/${user.id}`);
        const rows = await t.deps.storage.db
          .selectFrom('audit_entries')
          .selectAll()
          .where('target_id', '=', user.id)
          .orderBy('id')
          .execute();
        assert.equal(await auditCount(), before + 3);
        assert.deepEqual(
          rows.map((r) => [r.action, r.actor, r.target_type, r.store_id]),
          [
            ['user.create', 'admin', 'user', null],
            ['user.update', 'admin', 'user', null],
            ['user.delete', 'admin', 'user', null],
          ],
        );
        assert.deepEqual(JSON.parse(rows[1]?.details ?? '{}'), { changed: ['password'] });
        const all = JSON.stringify(rows);
        assert.ok(!all.includes('first-password') && !all.includes('second-password') && !all.includes('scrypt$'));
      });

      test('a refused write leaves no audit entry', async () => {
        const before = await auditCount();
        assert.equal(
          (await call('POST', `${s}/markets`, { mode: 'test', code: 'x', name: 'X', price_list_id: 'nope', stock_location_ids: ['nope'] }))
            .statusCode,
          422,
        );
        assert.equal((await call('DELETE', `${s}/skus/nope`)).statusCode, 404);
        assert.equal(await auditCount(), before);
      });
    });

    test('no answer of this suite carried a hash or a password', () => {
      // Runs last: `bodies` holds every answer the tests above received.
      assert.ok(bodies.length > 50);
      for (const body of bodies) {
        const keys = body.startsWith('{') ? keysOf(JSON.parse(body)) : [];
        assert.ok(!keys.some((k) => /hash|password$/.test(k)), `a response had ${keys.filter((k) => /hash|password$/.test(k))}`);
        assert.ok(!body.includes('scrypt$') && !body.includes('hmac-sha256$'), 'a response carried a hash');
      }
    });
  });
}
