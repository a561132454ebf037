import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { appOptions } from '../src/compose/app-options';
import { composeDependencies } from '../src/compose/compose-dependencies';
import { buildApp } from '../src/http/build-app';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

/** The appends happen right after the commit, beside the answer: wait for them (bounded). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  return read();
}

type Notice = { type: string; id: string; exp?: number; before?: number };
type Page = { changes: Notice[]; cursor: string; more: boolean };

for (const dialect of await testDialects()) {
  describe(`GET /oauth/changes, the pollable change feed (SPEC §4) on ${dialect}`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof shopWorld>>;
    let resourceServer: { clientId: string; secret?: string };
    let integration: { id: string; clientId: string; secret?: string };
    const basic = (c: { clientId: string; secret?: string }) =>
      `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret ?? '')}`).toString('base64')}`;
    const feed = (since: string | undefined, authorization = basic(resourceServer), app = t.app) =>
      app.inject({
        method: 'GET',
        url: `/oauth/changes${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`,
        headers: { authorization },
      });
    const page = async (since?: string, app = t.app) => {
      const res = await feed(since, basic(resourceServer), app);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as Page;
    };

    before(async () => {
      t = await startTestApp({ dialect });
      w = await shopWorld(t);
      resourceServer = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['tokens.introspect'] });
      integration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
    });
    after(() => t.close());

    test('a revoked grant, a revoked jti and a deleted credential appear in order, and the cursor moves past them', async () => {
      const start = await page();
      assert.equal(start.more, false);
      const cursor0 = start.cursor;

      const shopper = await w.signIn();
      const grantId = (await w.claims(shopper.access_token)).grant_id as string;
      assert.equal((await w.revoke({ client_id: w.salesChannel.clientId, token: shopper.refresh_token })).statusCode, 200);

      const token = (
        await w.token({ grant_type: 'client_credentials', client_id: integration.clientId, client_secret: integration.secret })
      ).json().access_token as string;
      const claims = await w.claims(token);
      assert.equal((await w.revoke({ client_id: integration.clientId, client_secret: integration.secret, token })).statusCode, 200);

      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `/provisioning/v1/stores/${w.store.id}/credentials/${integration.id}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      assert.equal(deleted.statusCode, 204);

      const next = await until(
        () => page(cursor0),
        (p) => p.changes.length >= 3,
      );
      assert.deepEqual(next.changes, [
        { type: 'grant', id: grantId },
        { type: 'jti', id: claims.jti, exp: claims.exp },
        { type: 'client', id: integration.id, before: Math.floor(t.clock.now() / 1000) },
      ]);
      assert.notEqual(next.cursor, cursor0);
      assert.deepEqual((await page(next.cursor)).changes, [], 'nothing after the cursor');
      assert.equal((await page(next.cursor)).cursor, next.cursor, 'an empty page keeps the cursor');
    });

    test("deleting a store ends its credentials' tokens on the feed", async () => {
      const cursor = (await page()).cursor;
      const doomed = await w.f.store();
      const credential = await w.f.credential(doomed.id, 'live', 'integration', { scopes: ['stores.view'] });
      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `/provisioning/v1/stores/${doomed.id}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      assert.equal(deleted.statusCode, 204, deleted.body);
      const seen = await until(
        () => page(cursor),
        (p) => p.changes.length >= 1,
      );
      assert.deepEqual(seen.changes, [{ type: 'client', id: credential.id, before: Math.floor(t.clock.now() / 1000) }]);
    });

    test('the cursor survives a restart: a new server on the same database continues from it', async () => {
      const cursor = (await page()).cursor;
      const deps = await composeDependencies(t.deps.config, t.deps.storage, t.clock, cryptoRandom);
      const restarted = await buildApp(appOptions(deps), { logger: false });
      try {
        const shopper = await w.signIn();
        const grantId = (await w.claims(shopper.access_token)).grant_id as string;
        const revoked = await restarted.inject({
          method: 'POST',
          url: '/oauth/revoke',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ client_id: w.salesChannel.clientId, token: shopper.refresh_token }).toString(),
        });
        assert.equal(revoked.statusCode, 200);
        const seen = await until(
          () => page(cursor, restarted),
          (p) => p.changes.length >= 1,
        );
        assert.deepEqual(seen.changes, [{ type: 'grant', id: grantId }]);
      } finally {
        await restarted.close();
        await deps.close();
      }
    });

    test('a revoked jti stops being served once the token would have expired anyway', async () => {
      const cursor = (await page()).cursor;
      const other = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
      const token = (await w.token({ grant_type: 'client_credentials', client_id: other.clientId, client_secret: other.secret })).json()
        .access_token as string;
      await w.revoke({ client_id: other.clientId, client_secret: other.secret, token });
      assert.equal(
        (
          await until(
            () => page(cursor),
            (p) => p.changes.length === 1,
          )
        ).changes[0]?.type,
        'jti',
      );
      t.clock.advance(7201);
      try {
        assert.deepEqual((await page(cursor)).changes, []);
      } finally {
        t.clock.advance(-7201);
      }
    });

    test('only a credential holding tokens.introspect and the admin token may read it; a bad cursor is a 400', async () => {
      const admin = await feed(undefined, `Bearer ${TEST_ADMIN_TOKEN}`);
      assert.equal(admin.statusCode, 200);
      assert.equal(admin.headers['cache-control'], 'no-store');
      assert.equal(admin.headers['access-control-allow-origin'], undefined);

      const plain = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
      const refused = await feed(undefined, basic(plain));
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error, 'unauthorized_client');

      for (const authorization of ['', basic({ clientId: resourceServer.clientId, secret: 'wrong' }), 'Bearer not-the-admin-token']) {
        const res = await feed(undefined, authorization);
        assert.equal(res.statusCode, 401, authorization);
        assert.equal(res.json().error, 'invalid_client');
      }
      for (const since of ['abc', '-1', '1.5', '01']) {
        const res = await feed(since);
        assert.equal(res.statusCode, 400, since);
        assert.equal(res.json().error, 'invalid_request');
      }
    });
  });
}
