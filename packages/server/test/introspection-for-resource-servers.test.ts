import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

/**
 * RFC 7662 §2.1 (the protected resource is the caller) as SPEC §3 decides it: a store credential with
 * the `tokens.introspect` catalog scope sees every token of its store and mode; the admin token sees
 * every token; a client without the scope still sees only its own.
 */
describe('POST /oauth/introspect for resource servers (tokens.introspect, the admin token)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  type Cred = { clientId: string; secret?: string };
  let resourceServer: Cred;
  let liveResourceServer: Cred;
  let plainIntegration: Cred;
  let otherStoreIntegration: Cred;

  const clientCredentials = async (c: Cred) => {
    const res = await w.token({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.secret });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().access_token as string;
  };
  const introspectAs = async (c: Cred, token: string) =>
    (await w.introspect({ client_id: c.clientId, client_secret: c.secret, token })).json();
  const introspectAsAdmin = (token: string, bearer = TEST_ADMIN_TOKEN) => w.introspect({ token }, { authorization: `Bearer ${bearer}` });

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    resourceServer = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['tokens.introspect'] });
    liveResourceServer = await w.f.credential(w.store.id, 'live', 'integration', { scopes: ['tokens.introspect'] });
    plainIntegration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
    const otherStore = await w.f.store();
    otherStoreIntegration = await w.f.credential(otherStore.id, 'test', 'integration', { scopes: ['stores.view'] });
  });
  after(() => t.close());

  test('tokens.introspect is in the catalog: metadata and the scope reference page list it', async () => {
    const metadata = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
    assert.ok(metadata.scopes_supported.includes('tokens.introspect'));
    const page = await t.app.inject({ method: 'GET', url: '/docs/scopes' });
    assert.match(page.body, /<code>tokens\.introspect<\/code>/);
  });

  test("a credential with tokens.introspect sees another client's access token and a shopper's refresh token of its store and mode", async () => {
    const theirs = await clientCredentials(plainIntegration);
    const body = await introspectAs(resourceServer, theirs);
    assert.equal(body.active, true);
    assert.equal(body.client_id, plainIntegration.clientId);
    assert.equal(body.scope, 'stores.view');

    const shopper = await w.signIn();
    const access = await introspectAs(resourceServer, shopper.access_token);
    assert.equal(access.active, true);
    assert.equal(access.sub, shopper.owner_id);
    const refresh = await introspectAs(resourceServer, shopper.refresh_token);
    assert.equal(refresh.active, true);
    assert.equal(refresh.token_type, 'refresh_token');
  });

  test('it does not see tokens of another store or of the other mode, and a client without the scope sees only its own', async () => {
    assert.deepEqual(await introspectAs(resourceServer, await clientCredentials(otherStoreIntegration)), { active: false });
    const testToken = await clientCredentials(plainIntegration);
    assert.deepEqual(await introspectAs(liveResourceServer, testToken), { active: false }, 'a live resource server, a test token');
    assert.deepEqual(await introspectAs(plainIntegration, await clientCredentials(resourceServer)), { active: false });
    assert.equal((await introspectAs(plainIntegration, testToken)).active, true, 'its own token');
  });

  test('a revoked token is inactive for the resource server too', async () => {
    const theirs = await clientCredentials(plainIntegration);
    const revoked = await w.revoke({ client_id: plainIntegration.clientId, client_secret: plainIntegration.secret, token: theirs });
    assert.equal(revoked.statusCode, 200);
    assert.deepEqual(await introspectAs(resourceServer, theirs), { active: false });
  });

  test('the admin token, as a bearer token, introspects any token of any store and mode', async () => {
    for (const token of [await clientCredentials(otherStoreIntegration), await clientCredentials(liveResourceServer)]) {
      const res = await introspectAsAdmin(token);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.json().active, true);
    }
    assert.deepEqual((await introspectAsAdmin('garbage')).json(), { active: false });
  });

  test('any other bearer token is a failed authentication, and a bearer token with a client secret is refused', async () => {
    const access = await clientCredentials(resourceServer);
    const wrong = await introspectAsAdmin(access, access);
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error, 'invalid_client');
    const both = await w.introspect(
      { token: access, client_id: resourceServer.clientId, client_secret: resourceServer.secret },
      { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    assert.equal(both.statusCode, 400);
    assert.equal(both.json().error, 'invalid_request');
  });
});
