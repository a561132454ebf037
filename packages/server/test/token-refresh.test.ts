import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { testDialects } from './support/test-storage';

const grantOf = async (t: TestApp, w: Awaited<ReturnType<typeof shopWorld>>, accessToken: string) =>
  t.deps.storage.db
    .selectFrom('grants')
    .selectAll()
    .where('id', '=', (await w.claims(accessToken)).grant_id as string)
    .executeTakeFirstOrThrow();

for (const dialect of await testDialects()) {
  describe(`[${dialect}] POST /oauth/token with refresh_token (SPEC §3, RFC 9700 §4.14.2)`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    before(async () => {
      t = await startTestApp({ dialect });
      w = await shopWorld(t);
    });
    after(() => t.close());

    test('each use rotates the token; presenting a rotated one again revokes the whole grant', async () => {
      const first = await w.signIn();
      const second = await w.refresh(first.refresh_token);
      assert.equal(second.statusCode, 200, second.body);
      const pair = second.json();
      assert.notEqual(pair.refresh_token, first.refresh_token);
      assert.equal(pair.owner_id, w.vipShopper.id);
      assert.equal(pair.scope, first.scope);
      assert.equal((await w.claims(pair.access_token)).grant_id, (await w.claims(first.access_token)).grant_id);

      const replay = await w.refresh(first.refresh_token);
      assert.equal(replay.statusCode, 400);
      assert.equal(replay.json().error, 'invalid_grant');
      assert.equal((await grantOf(t, w, first.access_token)).revoked_reason, 'refresh_token_reuse');
      assert.equal((await w.refresh(pair.refresh_token)).json().error, 'invalid_grant', 'the successor must die with the grant');
    });

    test("another client's refresh token is invalid_grant and changes nothing", async () => {
      const mine = await w.signIn();
      const res = await w.refresh(mine.refresh_token, {}, w.otherChannel.clientId);
      assert.equal(res.json().error, 'invalid_grant');
      assert.equal((await w.refresh(mine.refresh_token)).statusCode, 200);
    });

    test('a requested scope narrows the grant for this token, never widens it', async () => {
      const start = await w.signIn();
      const narrow = await w.refresh(start.refresh_token, { scope: 'stores.orders.view' });
      assert.equal(narrow.statusCode, 200, narrow.body);
      assert.equal(narrow.json().scope, 'stores.orders.view market:code:europe');
      const wider = await w.refresh(narrow.json().refresh_token, { scope: 'stores.customers.view' });
      assert.equal(wider.json().error, 'invalid_scope');
      const otherMarket = await w.refresh(narrow.json().refresh_token, { scope: 'market:code:vip' });
      assert.equal(otherMarket.json().error, 'invalid_scope');
      const omitted = await w.refresh(narrow.json().refresh_token);
      assert.equal(
        omitted.json().scope,
        'stores.products.view stores.orders.view market:code:europe',
        "an omitted scope means the grant's",
      );
    });

    test('a granted stock location stays when the request names only the market, and cannot be swapped', async () => {
      const start = await w.signIn(w.vipShopper, `market:code:europe stock_location:id:${w.us.id}`);
      const swapped = await w.refresh(start.refresh_token, { scope: `market:code:europe stock_location:id:${w.eu.id}` });
      assert.equal(swapped.json().error, 'invalid_scope');
      const kept = await w.refresh(start.refresh_token, { scope: 'market:code:europe' });
      assert.equal(kept.statusCode, 200, kept.body);
      assert.equal(kept.json().scope, `stores.products.view stores.orders.view market:code:europe stock_location:id:${w.us.id}`);
      assert.deepEqual(((await w.claims(kept.json().access_token)).market as { stock_location_ids: string[] }).stock_location_ids, [
        w.us.id,
      ]);
    });

    test('a stock location can be added to a market-only grant: that narrows it', async () => {
      const start = await w.signIn();
      const narrowed = await w.refresh(start.refresh_token, { scope: `stock_location:code:eu` });
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      assert.deepEqual(((await w.claims(narrowed.json().access_token)).market as { stock_location_ids: string[] }).stock_location_ids, [
        w.eu.id,
      ]);
    });

    test('a market disabled since: invalid_grant, and the grant is revoked', async () => {
      const f = w.f;
      const prices = await f.priceList(w.store.id, 'test', `p${Date.now()}`);
      const seasonal = await f.market(w.store.id, 'test', `seasonal${Date.now()}`, { priceListId: prices.id });
      const start = await w.signIn(w.vipShopper, `market:id:${seasonal.id}`);
      await t.deps.storage.db.updateTable('markets').set({ active: 0 }).where('id', '=', seasonal.id).execute();
      t.deps.changes.publish({ collection: 'markets', id: seasonal.id });
      const res = await w.refresh(start.refresh_token);
      assert.equal(res.json().error, 'invalid_grant');
      assert.equal((await grantOf(t, w, start.access_token)).revoked_reason, 'rule_failed_on_refresh');
    });

    test("a customer who left the private market's group: invalid_grant, grant revoked", async () => {
      const member = await w.f.customer(w.store.id, 'test', `leaver${Date.now()}@shop.invalid`, 'leaver password', w.vipGroup.id);
      const start = await w.signIn(member, 'market:code:vip');
      await t.deps.storage.db.updateTable('customers').set({ customer_group_id: null }).where('id', '=', member.id).execute();
      t.deps.changes.publish({ collection: 'customers', id: member.id });
      assert.equal((await w.refresh(start.refresh_token)).json().error, 'invalid_grant');
      assert.notEqual((await grantOf(t, w, start.access_token)).revoked_at, null);
    });

    test('refresh tokens expire 14 days after their own issue', async () => {
      const start = await w.signIn();
      t.clock.advance(14 * 24 * 3600 - 10);
      const fresh = await w.refresh(start.refresh_token);
      assert.equal(fresh.statusCode, 200);
      t.clock.advance(14 * 24 * 3600 - 5);
      assert.equal((await w.refresh(fresh.json().refresh_token)).statusCode, 200, 'the new token counts from its own issue');
      const later = (await w.refresh((await w.signIn()).refresh_token)).json();
      t.clock.advance(14 * 24 * 3600 + 1);
      assert.equal((await w.refresh(later.refresh_token)).json().error, 'invalid_grant');
    });

    if (dialect === 'postgres') {
      test('twenty parallel refreshes with one token: exactly one new pair, the rest invalid_grant, no 500', async () => {
        const start = await w.signIn();
        const results = await Promise.all(Array.from({ length: 20 }, () => w.refresh(start.refresh_token)));
        const codes = results.map((r) => r.statusCode);
        assert.equal(codes.filter((c) => c === 200).length, 1, `codes: ${codes}`);
        assert.equal(codes.filter((c) => c === 400).length, 19, `codes: ${codes}`);
        assert.ok(results.filter((r) => r.statusCode === 400).every((r) => r.json().error === 'invalid_grant'));
        const rows = await t.deps.storage.db
          .selectFrom('refresh_tokens')
          .select('id')
          .where('grant_id', '=', (await w.claims(start.access_token)).grant_id as string)
          .execute();
        assert.equal(rows.length, 2, 'exactly one successor must exist');
      });

      test('a refresh racing a revoke never leaves a live token behind', async () => {
        for (let round = 0; round < 5; round++) {
          const start = await w.signIn();
          const [refreshed] = await Promise.all([
            w.refresh(start.refresh_token),
            w.revoke({ client_id: w.salesChannel.clientId, token: start.refresh_token }),
          ]);
          if (refreshed.statusCode === 200) {
            const pair = refreshed.json();
            assert.equal((await w.refresh(pair.refresh_token)).json().error, 'invalid_grant');
          }
          assert.notEqual((await grantOf(t, w, start.access_token)).revoked_at, null);
        }
      });
    }
  });
}

for (const dialect of await testDialects()) {
  describe(`[${dialect}] the refresh grace window (COUNTERSIGN_REFRESH_GRACE)`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    before(async () => {
      t = await startTestApp({ dialect, env: { COUNTERSIGN_REFRESH_GRACE: '30' } });
      w = await shopWorld(t);
    });
    after(() => t.close());

    test('the immediate predecessor within the window gets the same new pair; later it revokes the grant', async () => {
      const start = await w.signIn();
      const first = (await w.refresh(start.refresh_token)).json();
      t.clock.advance(10);
      const again = await w.refresh(start.refresh_token);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), first, 'a retry in the window must get the very same pair');
      t.clock.advance(25);
      assert.equal((await w.refresh(start.refresh_token)).json().error, 'invalid_grant');
      assert.equal((await w.refresh(first.refresh_token)).json().error, 'invalid_grant', 'reuse after the window revokes the grant');
    });

    test('only the immediate predecessor: once its successor is used, it is a replay', async () => {
      const start = await w.signIn();
      const first = (await w.refresh(start.refresh_token)).json();
      const second = await w.refresh(first.refresh_token);
      assert.equal(second.statusCode, 200);
      assert.equal((await w.refresh(start.refresh_token)).json().error, 'invalid_grant');
      assert.equal((await w.refresh(second.json().refresh_token)).json().error, 'invalid_grant');
    });

    test('the kept pair is stored encrypted, never in the clear', async () => {
      const start = await w.signIn();
      const pair = (await w.refresh(start.refresh_token)).json();
      const rows = await t.deps.storage.db
        .selectFrom('refresh_tokens')
        .select('successor_cipher')
        .where('successor_cipher', 'is not', null)
        .execute();
      assert.ok(rows.length > 0);
      const signature = pair.access_token.split('.')[2];
      for (const { successor_cipher: cipher } of rows) {
        assert.match(cipher!, /^v1\./);
        assert.ok(!cipher!.includes(pair.refresh_token) && !cipher!.includes(signature), 'the kept pair is readable');
      }
    });

    if (dialect === 'postgres') {
      test('twenty parallel refreshes with one token all get the same pair, and the grant lives', async () => {
        const start = await w.signIn();
        const results = await Promise.all(Array.from({ length: 20 }, () => w.refresh(start.refresh_token)));
        assert.ok(
          results.every((r) => r.statusCode === 200),
          `codes: ${results.map((r) => r.statusCode)}`,
        );
        assert.equal(new Set(results.map((r) => r.json().refresh_token)).size, 1);
        assert.equal((await w.refresh(results[0]!.json().refresh_token)).statusCode, 200);
      });
    }
  });
}
