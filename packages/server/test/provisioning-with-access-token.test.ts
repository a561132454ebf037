import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

/** SPEC §5: a token with the `provisioning` permission scope manages its own store, in its own mode. */
describe('the provisioning API with an access token', () => {
  let t: TestApp;
  let storeId: string;
  let otherStoreId: string;
  let token: string;
  let liveLocationId: string;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, bearer: string, payload?: Record<string, unknown>) =>
    t.app.inject({
      method,
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload }),
    });
  const admin = async (url: string, payload: Record<string, unknown>) => {
    const res = await call('POST', url, TEST_ADMIN_TOKEN, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const tokenFor = async (credential: { client_id: string; client_secret: string }) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: credential.client_id, client_secret: credential.client_secret },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().access_token as string;
  };

  before(async () => {
    t = await startTestApp();
    storeId = (await admin('/stores', { slug: 'own', name: 'Own', currency: 'EUR' })).id;
    otherStoreId = (await admin('/stores', { slug: 'other', name: 'Other', currency: 'EUR' })).id;
    liveLocationId = (await admin(`/stores/${storeId}/stock_locations`, { mode: 'live', code: 'live_wh', name: 'Live' })).id;
    const credential = await admin(`/stores/${storeId}/credentials`, {
      mode: 'test',
      kind: 'integration',
      name: 'ops',
      scopes: ['provisioning', 'stores.view'],
    });
    token = await tokenFor(credential);
  });
  after(() => t.close());

  test('it creates and lists records of its own store and mode, audited as its client', async () => {
    const created = await call('POST', `/stores/${storeId}/stock_locations`, token, { mode: 'test', code: 'eu', name: 'EU' });
    assert.equal(created.statusCode, 201, created.body);
    const list = await call('GET', `/stores/${storeId}/stock_locations`, token);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().data.map((r: { code: string }) => r.code),
      ['eu'],
      'a test-mode token must not see live records',
    );
    const audit = await t.deps.storage.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('target_id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    assert.match(audit.actor, /^client:/);
  });

  test('records of the other mode do not exist for it', async () => {
    assert.equal((await call('GET', `/stores/${storeId}/stock_locations/${liveLocationId}`, token)).statusCode, 404);
  });

  test('another store is forbidden', async () => {
    const res = await call('GET', `/stores/${otherStoreId}/stock_locations`, token);
    assert.equal(res.statusCode, 403);
  });

  test('server-wide collections (stores, users, apps) are forbidden', async () => {
    assert.equal((await call('POST', '/stores', token, { slug: 'mine', name: 'Mine', currency: 'EUR' })).statusCode, 403);
    assert.equal((await call('GET', '/users', token)).statusCode, 403);
  });

  test('a token without the provisioning scope is 403, a forged or expired one 401', async () => {
    const plain = await admin(`/stores/${storeId}/credentials`, {
      mode: 'test',
      kind: 'integration',
      name: 'plain',
      scopes: ['stores.view'],
    });
    const plainToken = await tokenFor(plain);
    assert.equal((await call('GET', `/stores/${storeId}/stock_locations`, plainToken)).statusCode, 403);

    const [h, p, s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), store: { id: otherStoreId } })).toString('base64url')}.${s}`;
    const forgedRes = await call('GET', `/stores/${otherStoreId}/stock_locations`, forged);
    assert.equal(forgedRes.statusCode, 401);
    assert.match(forgedRes.headers['www-authenticate'] as string, /^Bearer /);

    t.clock.advance(7201);
    try {
      assert.equal((await call('GET', `/stores/${storeId}/stock_locations`, token)).statusCode, 401);
    } finally {
      t.clock.advance(-7201);
    }
  });

  test('a request without a token gets a Bearer challenge without an error code (RFC 6750 §3.1)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/provisioning/v1/stores/${storeId}/stock_locations` });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="countersign"');
  });

  test('deleting the credential ends its provisioning access', async () => {
    const doomed = await admin(`/stores/${storeId}/credentials`, {
      mode: 'test',
      kind: 'integration',
      name: 'doomed',
      scopes: ['provisioning'],
    });
    const doomedToken = await tokenFor(doomed);
    assert.equal((await call('GET', `/stores/${storeId}/stock_locations`, doomedToken)).statusCode, 200);
    assert.equal((await call('DELETE', `/stores/${storeId}/credentials/${doomed.id}`, TEST_ADMIN_TOKEN)).statusCode, 204);
    assert.equal((await call('GET', `/stores/${storeId}/stock_locations`, doomedToken)).statusCode, 401);
  });
});
