import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordChange } from '../src/core/model/record-change';
import { csrfOf, dashboardWorld } from './support/dashboard-world';
import { startTestApp, type TestApp } from './support/test-app';
import { testDialects } from './support/test-storage';

/**
 * SPEC §1, §7 connected apps: the person sees every app they authorized, with its stores, permissions
 * and date; Revoke makes its API keys, access tokens and refresh tokens fail at once, at the reference
 * API, at introspection and at the token endpoint; the revocation is audited and published, and
 * reaches only the grants that person gave. On SQLite and PostgreSQL.
 */
for (const dialect of await testDialects()) {
  describe(`connected apps on ${dialect} (SPEC §7)`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof dashboardWorld>>;
    let app: { id: string; clientId: string; secret?: string | undefined };

    before(async () => {
      t = await startTestApp({ dialect });
      w = await dashboardWorld(t);
      app = await w.f.app(w.developer.id, { scopes: ['stores.view', 'stores.products.view'] });
      await t.deps.storage.db.updateTable('apps').set({ name: 'Stock Sync' }).where('id', '=', app.id).execute();
    });
    after(() => t.close());

    /** An access token and a refresh token for `who`, through the token endpoint's authorization_code grant. */
    async function tokensFor(who: { id: string }) {
      const code = await w.saveCode(who, app.clientId, [w.store.id], 'stores.view');
      const res = await w.form('/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/callback',
        client_id: app.clientId,
        client_secret: app.secret,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { access_token: string; refresh_token: string };
    }

    const readStore = (token: string) =>
      t.app.inject({ method: 'GET', url: `/admin/api/stores/${w.store.id}`, headers: { authorization: `Bearer ${token}` } });
    const introspect = async (token: string) =>
      (await w.form('/oauth/introspect', { client_id: app.clientId, client_secret: app.secret, token })).json().active as boolean;
    const refresh = (token: string) =>
      w.form('/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: app.clientId, client_secret: app.secret });

    test('the page lists each app the person authorized, with its stores, permissions and date; nobody else’s', async () => {
      await w.connect(w.admin, app, [w.store.id]);
      const admin = await w.signedIn(w.admin);
      const page = await admin.get('/dashboard/connected-apps');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h2><a href="https:\/\/app.example" rel="noopener noreferrer">Stock Sync<\/a><\/h2>/);
      assert.match(page.body, new RegExp(`<dt>Stores</dt><dd>${w.store.slug}</dd>`));
      assert.match(page.body, /See your stores, their markets and settings/);
      assert.match(page.body, /See the products \(SKUs\), prices and stock of your stores/);
      assert.match(page.body, /<time datetime="2026-11-22T12:00:00.000Z">22 Nov 2026, 12:00 UTC<\/time>/);
      assert.match(page.body, /aria-label="Revoke access for Stock Sync"/);
      const outsider = await w.signedIn(w.outsider);
      assert.match((await outsider.get('/dashboard/connected-apps')).body, /You have not connected any app/);
    });

    test('Revoke: the API key, access token and refresh token fail at once everywhere; audited, published; others’ grants stay', async () => {
      const apiKey = await w.connect(w.owner, app, [w.store.id]);
      const { access_token: accessToken, refresh_token: refreshToken } = await tokensFor(w.owner);
      const othersKey = await w.connect(w.admin, app, [w.store.id]);
      assert.equal((await readStore(apiKey)).statusCode, 200);
      assert.equal((await readStore(accessToken)).statusCode, 200);
      assert.equal(await introspect(apiKey), true);
      assert.equal(await introspect(refreshToken), true);
      const ownersGrants = (await w.rows('grants')).filter((g) => g.owner_id === w.owner.id && g.revoked_at === null).map((g) => g.id);
      assert.equal(ownersGrants.length, 2, 'the API key’s grant and the token pair’s');

      const published: RecordChange[] = [];
      const stop = t.deps.changes.subscribe((change) => published.push(change));
      const owner = await w.signedIn(w.owner);
      const res = await owner.submit('/dashboard/connected-apps', `/dashboard/connected-apps/${app.clientId}/revoke`);
      stop();
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/dashboard/connected-apps');
      const after = await owner.get('/dashboard/connected-apps');
      assert.match(after.body, /Stock Sync can no longer reach your stores/);
      assert.match(after.body, /You have not connected any app/);

      // At once, at every verifier: the reference API, introspection, the token endpoint.
      for (const token of [apiKey, accessToken]) {
        const refused = await readStore(token);
        assert.equal(refused.statusCode, 401);
        assert.match(String(refused.headers['www-authenticate']), /invalid_token/);
        assert.equal(await introspect(token), false);
      }
      assert.equal(await introspect(refreshToken), false);
      const refreshed = await refresh(refreshToken);
      assert.equal(refreshed.statusCode, 400);
      assert.equal(refreshed.json().error, 'invalid_grant');

      // Stored with its reason, audited in the store's log as the person, published on the change channel.
      const grants = await w.rows('grants');
      for (const id of ownersGrants) {
        const grant = grants.find((g) => g.id === id);
        assert.equal(grant?.revoked_reason, 'user_revoked');
      }
      const audit = (await w.rows('audit_entries')).filter((e) => e.action === 'grant.revoke' && ownersGrants.includes(e.target_id));
      assert.deepEqual(
        audit.map((e) => [e.actor, e.store_id, JSON.parse(e.details).reason]),
        ownersGrants.map(() => [`user:${w.owner.id}`, w.store.id, 'user_revoked']),
      );
      assert.deepEqual(
        published
          .filter((c) => c.collection === 'grants')
          .map((c) => c.id)
          .sort(),
        [...ownersGrants].sort(),
      );

      // The admin connected the same app: their API key goes on working.
      assert.equal((await readStore(othersKey)).statusCode, 200);
    });

    test('revoking an app the person never connected changes nothing; an unknown app is a 404 page', async () => {
      await w.connect(w.admin, app, [w.store.id]);
      const before = await w.rows('grants');
      const outsider = await w.signedIn(w.outsider);
      const token = csrfOf(await outsider.get('/dashboard/connected-apps'));
      const res = await outsider.post(`/dashboard/connected-apps/${app.clientId}/revoke`, { _csrf: token });
      assert.equal(res.statusCode, 303);
      assert.match((await outsider.get('/dashboard/connected-apps')).body, /There was nothing left to revoke/);
      assert.deepEqual(await w.rows('grants'), before);
      const unknown = await outsider.post('/dashboard/connected-apps/no-such-app/revoke', { _csrf: token });
      assert.equal(unknown.statusCode, 404);
      // A store credential is no connected app, even one the person signed in to.
      const credential = await w.f.credential(w.otherStore.id, 'live', 'webapp', { redirectUris: ['https://bo.example/cb'] });
      assert.equal((await outsider.post(`/dashboard/connected-apps/${credential.clientId}/revoke`, { _csrf: token })).statusCode, 404);
    });
  });
}
