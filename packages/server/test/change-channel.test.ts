import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectRedisChangeChannel } from '../src/adapters/redis/redis-change-channel';
import type { Storage } from '../src/adapters/sql/open-storage';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { type AppDependencies, composeDependencies } from '../src/compose/compose-dependencies';
import { ChangeHub } from '../src/core/change-hub';
import type { RecordChange } from '../src/core/model/record-change';
import { buildApp } from '../src/http/build-app';
import { redisReachable, TEST_REDIS_URL } from './support/redis-reachable';
import { TestClock } from './support/test-clock';
import { TEST_ADMIN_TOKEN, testConfig } from './support/test-config';
import { openTestStorage } from './support/test-storage';

const reachable = await redisReachable();

async function until(condition: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

describe('the change channel between instances (SPEC §4, Redis pub/sub)', { skip: !reachable }, () => {
  test("one instance's change reaches the other's listeners once, and never comes back to its sender", async () => {
    const channel = `countersign:test:${cryptoRandom.bytes(6).toString('hex')}`;
    const a = new ChangeHub();
    const b = new ChangeHub();
    const seenA: RecordChange[] = [];
    const seenB: RecordChange[] = [];
    a.subscribe((c) => seenA.push(c));
    b.subscribe((c) => seenB.push(c));
    const errors: unknown[] = [];
    const links = await Promise.all([a, b].map((hub) => connectRedisChangeChannel(TEST_REDIS_URL, hub, (e) => errors.push(e), channel)));
    try {
      a.publish({ collection: 'grants', id: 'g1' });
      assert.ok(await until(async () => seenB.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(seenB, [{ collection: 'grants', id: 'g1' }]);
      assert.deepEqual(seenA, [{ collection: 'grants', id: 'g1' }], 'the sender must not get its own change twice');
      assert.deepEqual(errors, []);
    } finally {
      await Promise.all(links.map((l) => l.close()));
    }
  });

  describe('two instances on one database', () => {
    let storage: Storage;
    const instances: { deps: AppDependencies; app: Awaited<ReturnType<typeof buildApp>> }[] = [];
    before(async () => {
      storage = await openTestStorage('sqlite');
      // A long cache TTL, so that only the channel can explain a fresh read.
      const config = testConfig({ REDIS_URL: TEST_REDIS_URL, COUNTERSIGN_CLIENT_CACHE_TTL: '300' });
      for (let i = 0; i < 2; i++) {
        const deps = await composeDependencies(config, storage, new TestClock(), cryptoRandom);
        instances.push({ deps, app: await buildApp(appOptions(deps), { logger: false }) });
      }
    });
    after(async () => {
      for (const { app, deps } of instances) {
        await app.close();
        await deps.close();
      }
      await storage.close();
    });

    test("a credential deleted on one instance stops working on the other at once, despite the other's cache", async () => {
      const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
      const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const store = (
        await b.app.inject({
          method: 'POST',
          url: '/provisioning/v1/stores',
          headers: admin,
          payload: { slug: 'twin', name: 'Twin', currency: 'EUR' },
        })
      ).json();
      const credential = (
        await b.app.inject({
          method: 'POST',
          url: `/provisioning/v1/stores/${store.id}/credentials`,
          headers: admin,
          payload: { mode: 'test', kind: 'integration', name: 'erp' },
        })
      ).json();
      const ask = () =>
        a.app.inject({
          method: 'POST',
          url: '/oauth/token',
          payload: { grant_type: 'client_credentials', client_id: credential.client_id, client_secret: credential.client_secret },
        });
      assert.equal((await ask()).statusCode, 200, 'instance A has now cached the credential');
      const deleted = await b.app.inject({
        method: 'DELETE',
        url: `/provisioning/v1/stores/${store.id}/credentials/${credential.id}`,
        headers: admin,
      });
      assert.equal(deleted.statusCode, 204);
      assert.ok(await until(async () => (await ask()).statusCode === 401, 1000), 'instance A still accepts a deleted credential');
    });

    test("a deleted credential's client_credentials token is refused by the other instance's reference API within a second (SPEC §1)", async () => {
      const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
      const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const store = (
        await a.app.inject({
          method: 'POST',
          url: '/provisioning/v1/stores',
          headers: admin,
          payload: { slug: 'twin2', name: 'Twin', currency: 'EUR' },
        })
      ).json();
      const credential = (
        await a.app.inject({
          method: 'POST',
          url: `/provisioning/v1/stores/${store.id}/credentials`,
          headers: admin,
          payload: { mode: 'test', kind: 'integration', name: 'erp', scopes: ['stores.view'] },
        })
      ).json();
      const token = (
        await a.app.inject({
          method: 'POST',
          url: '/oauth/token',
          payload: { grant_type: 'client_credentials', client_id: credential.client_id, client_secret: credential.client_secret },
        })
      ).json().access_token;
      const read = () =>
        b.app.inject({ method: 'GET', url: `/admin/api/stores/${store.id}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal((await read()).statusCode, 200, 'instance B has now cached the credential');
      const deleted = await a.app.inject({
        method: 'DELETE',
        url: `/provisioning/v1/stores/${store.id}/credentials/${credential.id}`,
        headers: admin,
      });
      assert.equal(deleted.statusCode, 204);
      assert.ok(await until(async () => (await read()).statusCode === 401, 1000), 'instance B still accepts a deleted credential’s token');
    });

    test("a shopper moved out of a private market's group on one instance cannot refresh at the other, despite the other's cache (SPEC §2)", async () => {
      const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
      const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const create = async (path: string, payload: Record<string, unknown>) => {
        const res = await b.app.inject({ method: 'POST', url: `/provisioning/v1${path}`, headers: admin, payload });
        assert.equal(res.statusCode, 201, res.body);
        return res.json();
      };
      const store = await create('/stores', { slug: 'twin3', name: 'Twin', currency: 'EUR' });
      const group = await create(`/stores/${store.id}/customer_groups`, { mode: 'test', name: 'VIP' });
      const prices = await create(`/stores/${store.id}/price_lists`, { mode: 'test', code: 'vip', name: 'VIP', currency: 'EUR' });
      const warehouse = await create(`/stores/${store.id}/stock_locations`, { mode: 'test', code: 'main', name: 'Main' });
      await create(`/stores/${store.id}/markets`, {
        mode: 'test',
        code: 'vip',
        name: 'VIP',
        active: true,
        price_list_id: prices.id,
        stock_location_ids: [warehouse.id],
        customer_group_id: group.id,
      });
      const channel = await create(`/stores/${store.id}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'shop' });
      const password = 'leaver password 1';
      const customer = await create(`/stores/${store.id}/customers`, {
        mode: 'test',
        email: 'leaver@shop.invalid',
        password,
        customer_group_id: group.id,
      });
      const token = (payload: Record<string, string>) =>
        a.app.inject({ method: 'POST', url: '/oauth/token', payload: { client_id: channel.client_id, ...payload } });
      const signedIn = await token({ grant_type: 'password', username: 'leaver@shop.invalid', password, scope: 'market:code:vip' });
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: signedIn.json().refresh_token });
      assert.equal(refreshed.statusCode, 200, 'instance A has now cached the customer');
      const moved = await b.app.inject({
        method: 'PATCH',
        url: `/provisioning/v1/stores/${store.id}/customers/${customer.id}`,
        headers: admin,
        payload: { customer_group_id: null },
      });
      assert.equal(moved.statusCode, 200, moved.body);
      // Each try that succeeds rotates the token; the next try presents the newest one.
      let latest: string = refreshed.json().refresh_token;
      const refused = await until(async () => {
        const res = await token({ grant_type: 'refresh_token', refresh_token: latest });
        if (res.statusCode === 200) latest = res.json().refresh_token;
        return res.json().error === 'invalid_grant';
      }, 1000);
      assert.ok(refused, 'instance A still refreshes for a shopper who left the group');
    });
  });
});
