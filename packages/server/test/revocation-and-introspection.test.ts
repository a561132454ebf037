import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shopWorld } from './support/shop-world';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

describe('POST /oauth/revoke (RFC 7009) and POST /oauth/introspect (RFC 7662)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof shopWorld>>;
  let integration: { clientId: string; secret?: string };
  let otherIntegration: { clientId: string; secret?: string };

  const clientCredentials = async (c: { clientId: string; secret?: string }) =>
    (await w.token({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.secret })).json().access_token as string;
  const introspectAs = (c: { clientId: string; secret?: string }, token: string) =>
    w.introspect({ client_id: c.clientId, client_secret: c.secret, token });

  before(async () => {
    t = await startTestApp();
    w = await shopWorld(t);
    integration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view', 'provisioning'] });
    otherIntegration = await w.f.credential(w.store.id, 'test', 'integration', { scopes: ['stores.view'] });
  });
  after(() => t.close());

  test("introspection answers active with the claims for the caller's own token", async () => {
    const token = await clientCredentials(integration);
    const res = await introspectAs(integration, token);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['access-control-allow-origin'], undefined, 'introspection sends no CORS headers');
    const body = res.json();
    assert.equal(body.active, true);
    assert.equal(body.client_id, integration.clientId);
    assert.equal(body.scope, 'stores.view provisioning');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.exp, 'number');
  });

  test("another client's token, an expired one and garbage are inactive, and say nothing more", async () => {
    const theirs = await clientCredentials(otherIntegration);
    assert.deepEqual((await introspectAs(integration, theirs)).json(), { active: false });
    assert.deepEqual((await introspectAs(integration, 'not-a-token')).json(), { active: false });
    const mine = await clientCredentials(integration);
    t.clock.advance(7201);
    try {
      assert.deepEqual((await introspectAs(integration, mine)).json(), { active: false });
    } finally {
      t.clock.advance(-7201);
    }
  });

  test('a public client may not introspect', async () => {
    const res = await w.introspect({ client_id: w.salesChannel.clientId, token: 'x' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_client');
  });

  test('revoking an access token denylists its jti: introspection and the provisioning API stop accepting it', async () => {
    const token = await clientCredentials(integration);
    const call = () =>
      t.app.inject({ method: 'GET', url: `/provisioning/v1/stores/${w.store.id}/markets`, headers: { authorization: `Bearer ${token}` } });
    assert.equal((await call()).statusCode, 200);
    const res = await w.revoke({ client_id: integration.clientId, client_secret: integration.secret, token });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {});
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.deepEqual((await introspectAs(integration, token)).json(), { active: false });
    assert.equal((await call()).statusCode, 401);
  });

  test('a token of another client is 403 unauthorized_client and stays valid', async () => {
    const theirs = await clientCredentials(otherIntegration);
    const res = await w.revoke({ client_id: integration.clientId, client_secret: integration.secret, token: theirs });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error, 'unauthorized_client');
    assert.equal(res.json().errors[0].code, 'FORBIDDEN');
    assert.equal((await introspectAs(otherIntegration, theirs)).json().active, true);
    const shopper = await w.signIn();
    const refreshRes = await w.revoke({ client_id: w.otherChannel.clientId, token: shopper.refresh_token });
    assert.equal(refreshRes.statusCode, 403);
    assert.equal((await w.refresh(shopper.refresh_token)).statusCode, 200, 'the refresh token must stay valid');
  });

  test('an unknown or malformed token is 200 {}', async () => {
    for (const token of ['unknown-refresh-token', 'a.b.c', '']) {
      const res = await w.revoke({ client_id: integration.clientId, client_secret: integration.secret, token });
      if (token === '') {
        assert.equal(res.json().error, 'invalid_request');
        continue;
      }
      assert.equal(res.statusCode, 200, token);
      assert.deepEqual(res.json(), {});
    }
  });

  test('a confidential client needs its secret to revoke', async () => {
    const token = await clientCredentials(integration);
    assert.equal((await w.revoke({ client_id: integration.clientId, token })).statusCode, 401);
    assert.equal((await introspectAs(integration, token)).json().active, true);
  });

  test('revoking a refresh token revokes its grant: the refresh token and every access token of the grant die', async () => {
    const shopper = await w.signIn();
    const refreshed = (await w.refresh(shopper.refresh_token)).json();
    // A public client revokes with its client id alone (JSON works too).
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      payload: { client_id: w.salesChannel.clientId, token: refreshed.refresh_token },
    });
    assert.equal(res.statusCode, 200);
    assert.equal((await w.refresh(refreshed.refresh_token)).json().error, 'invalid_grant');
    const grantId = (await w.claims(refreshed.access_token)).grant_id as string;
    const grant = await t.deps.storage.db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirstOrThrow();
    assert.equal(grant.revoked_reason, 'revoked_by_client');
  });

  test('a public client revokes its own guest access token with its client id alone', async () => {
    const guest = (
      await w.token({ grant_type: 'client_credentials', client_id: w.salesChannel.clientId, scope: 'market:code:europe' })
    ).json().access_token;
    const res = await w.revoke({ client_id: w.salesChannel.clientId, token: guest });
    assert.equal(res.statusCode, 200);
    const jti = (await w.claims(guest)).jti as string;
    assert.ok(await t.deps.grants.grants.isAccessTokenRevoked(jti));
  });

  test('introspection of a refresh token, and revoking it kills the access tokens of its grant', async () => {
    const webapp = await w.f.credential(w.store.id, 'test', 'webapp', { redirectUris: ['https://app.example/cb'] });
    const grantRepo = t.deps.grants.grants;
    const staff = await w.f.user(`staff${Date.now()}@shop.invalid`);
    await w.f.membership(w.store.id, staff.id, 'admin');
    const value = 'refresh-token-value-for-introspection-000000';
    await grantRepo.create(
      {
        id: 'g-introspect',
        clientId: webapp.clientId,
        clientRecordId: webapp.id,
        clientKind: 'webapp',
        mode: 'test',
        owner: { type: 'user', id: staff.id },
        storeIds: [w.store.id],
        scope: 'stores.view',
        createdAt: t.clock.now(),
        expiresAt: t.clock.now() + 86400_000,
        revokedAt: null,
      },
      { id: 'rt-introspect', tokenHash: t.deps.secretHasher.hash(value), issuedAt: t.clock.now(), expiresAt: t.clock.now() + 3600_000 },
      'test',
    );
    const client = (await t.deps.grants.clients.findByClientId(webapp.clientId))!;
    const access = (
      await t.deps.grants.accessTokens.issue(
        {
          issuer: t.deps.config.issuer,
          client,
          mode: 'test',
          scope: 'stores.view',
          store: client.store!,
          owner: { type: 'user', id: staff.id },
          grantId: 'g-introspect',
        },
        7200,
      )
    ).token;
    assert.equal((await introspectAs(webapp, access)).json().active, true);
    const active = (await introspectAs(webapp, value)).json();
    assert.equal(active.active, true);
    assert.equal(active.token_type, 'refresh_token');
    assert.equal(active.sub, staff.id);
    assert.deepEqual((await introspectAs(integration, value)).json(), { active: false });
    await w.revoke({ client_id: webapp.clientId, client_secret: webapp.secret, token: value });
    assert.deepEqual((await introspectAs(webapp, value)).json(), { active: false });
    assert.deepEqual((await introspectAs(webapp, access)).json(), { active: false }, 'an access token of a revoked grant must die with it');
  });

  test('the admin token still works on provisioning after token revocations (sanity)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/provisioning/v1/stores',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    assert.equal(res.statusCode, 200);
  });
});
