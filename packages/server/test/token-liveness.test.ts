import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PageSession } from './support/page-session';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

type Body = Record<string, unknown>;
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

/**
 * SPEC §1: every verifier of our tokens (introspection, the provisioning API, the reference API's
 * guard) applies the same liveness rules: `jti`, grant, client. A revoked grant takes its provisioning
 * power with it, whatever revoked it; a deleted credential, or one rotated as compromised, ends the
 * tokens it obtained without a grant.
 */
describe('token liveness at every verifier (SPEC §1)', () => {
  let t: TestApp;
  let storeId: string;
  let webapp: { client_id: string; client_secret: string };
  const redirectUri = 'https://backoffice.example/cb';

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, bearer: string, payload?: Body) =>
    t.app.inject({
      method,
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload }),
    });
  const admin = async (url: string, payload: Body) => {
    const res = await call('POST', url, TEST_ADMIN_TOKEN, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const form = (url: string, payload: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: query(payload) });
  const referenceApi = (token: string) =>
    t.app.inject({ method: 'GET', url: `/admin/api/stores/${storeId}`, headers: { authorization: `Bearer ${token}` } });
  const introspect = async (token: string, client = webapp) =>
    (await form('/oauth/introspect', { token, client_id: client.client_id, client_secret: client.client_secret })).json().active;

  /** A staff member's back-office session through the webapp: access token, refresh token, grant, and the code it came from. */
  async function staffSignIn(who: { email: string; password: string }) {
    const browser = new PageSession(t.app);
    let page = await browser.get(`/oauth/authorize?${query({ client_id: webapp.client_id, redirect_uri: redirectUri, state: 's' })}`);
    page = await browser.signIn(page, who.email, who.password);
    const answer = page.statusCode === 303 ? page : await browser.decide(page, 'approve');
    const code = new URL(answer.headers.location as string).searchParams.get('code') as string;
    const res = await form('/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: webapp.client_id,
      client_secret: webapp.client_secret,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const grantId = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()).grant_id as string;
    return { access: body.access_token as string, refresh: body.refresh_token as string, grantId, code };
  }

  /** Everything a live provisioning token may do, and that a dead one may not. */
  async function assertDead(token: string, why: string) {
    assert.equal((await call('GET', `/stores/${storeId}/credentials`, token)).statusCode, 401, `${why}: provisioning read`);
    const created = await call('POST', `/stores/${storeId}/credentials`, token, {
      mode: 'test',
      kind: 'integration',
      name: `created after ${why}`,
      scopes: ['provisioning'],
    });
    assert.equal(created.statusCode, 401, `${why}: provisioning write`);
    const names = (await call('GET', `/stores/${storeId}/credentials`, TEST_ADMIN_TOKEN)).json().data.map((c: Body) => c.name);
    assert.ok(!names.includes(`created after ${why}`), `${why}: nothing was written`);
    assert.equal(await introspect(token), false, `${why}: introspection`);
    assert.equal((await referenceApi(token)).statusCode, 401, `${why}: reference API`);
  }

  const newStaff = async (role: 'owner' | 'admin') => {
    const email = `staff-${Math.random().toString(36).slice(2)}@example.com`;
    const user = await admin('/users', { email, password: 'correct horse battery', name: 'Staff' });
    const membership = await admin(`/stores/${storeId}/memberships`, { user_id: user.id, role });
    return { id: user.id as string, membershipId: membership.id as string, email, password: 'correct horse battery' };
  };

  before(async () => {
    t = await startTestApp();
    storeId = (await admin('/stores', { slug: 'shop', name: 'Shop', currency: 'EUR' })).id;
    await newStaff('owner');
    webapp = await admin(`/stores/${storeId}/credentials`, {
      mode: 'test',
      kind: 'webapp',
      name: 'Back office',
      scopes: ['provisioning', 'stores.view'],
      redirect_uris: [redirectUri],
    });
  });
  after(() => t.close());

  test('a live staff token provisions, introspects active and reads the reference API', async () => {
    const staff = await newStaff('admin');
    const { access } = await staffSignIn(staff);
    assert.equal((await call('GET', `/stores/${storeId}/credentials`, access)).statusCode, 200);
    assert.equal(await introspect(access), true);
    assert.equal((await referenceApi(access)).statusCode, 200);
  });

  test('a removed admin’s token loses its provisioning power at once: nothing it asks for is written', async () => {
    const staff = await newStaff('admin');
    const { access } = await staffSignIn(staff);
    assert.equal((await call('DELETE', `/stores/${storeId}/memberships/${staff.membershipId}`, TEST_ADMIN_TOKEN)).statusCode, 204);
    await assertDead(access, 'membership deleted');
  });

  test('a password change revokes the grant, and its tokens stop everywhere', async () => {
    const staff = await newStaff('admin');
    const { access } = await staffSignIn(staff);
    assert.equal((await call('PATCH', `/users/${staff.id}`, TEST_ADMIN_TOKEN, { password: 'another password 1' })).statusCode, 200);
    await assertDead(access, 'password changed');
  });

  test('DELETE /grants/{id} ends the grant’s access tokens everywhere', async () => {
    const { access, grantId } = await staffSignIn(await newStaff('admin'));
    assert.equal((await call('DELETE', `/grants/${grantId}`, TEST_ADMIN_TOKEN)).statusCode, 204);
    await assertDead(access, 'grant revoked');
  });

  test('revoking the refresh token ends the access tokens of its grant everywhere', async () => {
    const { access, refresh } = await staffSignIn(await newStaff('admin'));
    const revoked = await form('/oauth/revoke', { token: refresh, client_id: webapp.client_id, client_secret: webapp.client_secret });
    assert.equal(revoked.statusCode, 200);
    await assertDead(access, 'refresh token revoked');
  });

  test('refresh-token reuse ends the access tokens of its grant everywhere', async () => {
    const { access, refresh } = await staffSignIn(await newStaff('admin'));
    const rotate = () =>
      form('/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: refresh,
        client_id: webapp.client_id,
        client_secret: webapp.client_secret,
      });
    const first = await rotate();
    assert.equal(first.statusCode, 200, first.body);
    assert.equal((await rotate()).json().error, 'invalid_grant');
    await assertDead(access, 'refresh token reused');
    await assertDead(first.json().access_token, 'refresh token reused (the rotated pair)');
  });

  test('a replayed code ends the access tokens of its first use everywhere', async () => {
    const { access, code } = await staffSignIn(await newStaff('admin'));
    const replay = await form('/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: webapp.client_id,
      client_secret: webapp.client_secret,
    });
    assert.equal(replay.json().error, 'invalid_grant');
    await assertDead(access, 'code replayed');
  });
});

/**
 * SPEC §1: deleting a credential, or rotating its secret as compromised, ends the tokens it obtained
 * without a grant (client_credentials, guest): every verifier refuses a token whose client is gone.
 */
describe('tokens without a grant die with their client (SPEC §1)', () => {
  let t: TestApp;
  let storeId: string;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, bearer: string, payload?: Body) =>
    t.app.inject({
      method,
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload }),
    });
  const admin = async (url: string, payload: Body) => {
    const res = await call('POST', url, TEST_ADMIN_TOKEN, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const form = (url: string, payload: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: query(payload) });
  const clientCredentials = async (client: { client_id: string; client_secret?: string }, scope?: string) => {
    const res = await form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      ...(scope ? { scope } : {}),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().access_token as string;
  };
  const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const newIntegration = () =>
    admin(`/stores/${storeId}/credentials`, { mode: 'test', kind: 'integration', name: 'ERP', scopes: ['provisioning', 'stores.view'] });

  before(async () => {
    t = await startTestApp();
    storeId = (await admin('/stores', { slug: 'shop', name: 'Shop', currency: 'EUR' })).id;
    const prices = await admin(`/stores/${storeId}/price_lists`, { mode: 'test', code: 'eur', name: 'EUR', currency: 'EUR' });
    const warehouse = await admin(`/stores/${storeId}/stock_locations`, { mode: 'test', code: 'wh', name: 'Warehouse' });
    await admin(`/stores/${storeId}/markets`, {
      mode: 'test',
      code: 'eu',
      name: 'EU',
      active: true,
      price_list_id: prices.id,
      stock_location_ids: [warehouse.id],
    });
  });
  after(() => t.close());

  test('a deleted integration’s client_credentials token stops at the reference API and the provisioning API', async () => {
    const integration = await newIntegration();
    const token = await clientCredentials(integration);
    assert.equal((await get(`/admin/api/stores/${storeId}`, token)).statusCode, 200);
    assert.equal((await call('GET', `/stores/${storeId}/markets`, token)).statusCode, 200);

    assert.equal((await call('DELETE', `/stores/${storeId}/credentials/${integration.id}`, TEST_ADMIN_TOKEN)).statusCode, 204);
    assert.equal((await get(`/admin/api/stores/${storeId}`, token)).statusCode, 401);
    assert.equal((await call('GET', `/stores/${storeId}/markets`, token)).statusCode, 401);
  });

  test('a deleted sales channel’s guest token stops at the storefront API', async () => {
    const channel = await admin(`/stores/${storeId}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'Shop front' });
    const token = await clientCredentials(channel, 'market:code:eu');
    assert.equal((await get('/api/skus', token)).statusCode, 200);
    assert.equal((await call('DELETE', `/stores/${storeId}/credentials/${channel.id}`, TEST_ADMIN_TOKEN)).statusCode, 204);
    assert.equal((await get('/api/skus', token)).statusCode, 401);
  });

  test('a secret rotated as compromised stops at once, with every token obtained before, at every verifier', async () => {
    const integration = await newIntegration();
    const before = await clientCredentials(integration);
    const rotated = await call('POST', `/stores/${storeId}/credentials/${integration.id}/rotate_secret`, TEST_ADMIN_TOKEN, {
      compromised: true,
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const fresh = rotated.json().client_secret as string;
    assert.equal(rotated.json().previous_secret_expires_at, new Date(t.clock.now()).toISOString(), 'no overlap');

    // The old secret authenticates nothing any more, not even during the usual overlap.
    const old = await form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: integration.client_id,
      client_secret: integration.client_secret,
    });
    assert.equal(old.statusCode, 401);
    // Every token obtained before the rotation is dead everywhere.
    assert.equal((await get(`/admin/api/stores/${storeId}`, before)).statusCode, 401);
    assert.equal((await call('GET', `/stores/${storeId}/markets`, before)).statusCode, 401);
    const introspected = await form('/oauth/introspect', { token: before, client_id: integration.client_id, client_secret: fresh });
    assert.equal(introspected.json().active, false);

    // Tokens obtained with the new secret, later, work.
    t.clock.advance(1);
    const after = await clientCredentials({ client_id: integration.client_id, client_secret: fresh });
    assert.equal((await get(`/admin/api/stores/${storeId}`, after)).statusCode, 200);
    const audit = (await call('GET', `/stores/${storeId}/audit_entries?action=credential.rotate_secret`, TEST_ADMIN_TOKEN)).json().data;
    assert.equal(audit[0].details.compromised, true);
  });

  test('an ordinary rotation keeps the old secret for its overlap, and its tokens alive', async () => {
    const integration = await newIntegration();
    const before = await clientCredentials(integration);
    const rotated = await call('POST', `/stores/${storeId}/credentials/${integration.id}/rotate_secret`, TEST_ADMIN_TOKEN);
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal((await get(`/admin/api/stores/${storeId}`, before)).statusCode, 200);
    await clientCredentials(integration);
  });

  test('rotate_secret refuses a body other than {"compromised": boolean}: 422, nothing rotated', async () => {
    const integration = await newIntegration();
    const res = await call('POST', `/stores/${storeId}/credentials/${integration.id}/rotate_secret`, TEST_ADMIN_TOKEN, {
      compromised: 'yes',
    });
    assert.equal(res.statusCode, 422);
    await clientCredentials(integration);
  });
});

/** SPEC §2: `provisioning` is never held by a public client, and the provisioning API refuses storefront tokens. */
describe('public clients never provision (SPEC §2)', () => {
  let t: TestApp;
  let storeId: string;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Body, bearer = TEST_ADMIN_TOKEN) =>
    t.app.inject({
      method,
      url: `/provisioning/v1${url}`,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload }),
    });

  before(async () => {
    t = await startTestApp();
    storeId = (await call('POST', '/stores', { slug: 'shop', name: 'Shop', currency: 'EUR' })).json().id;
  });
  after(() => t.close());

  test('a sales channel with the provisioning scope is refused at create and at update: 422 at /scopes', async () => {
    const created = await call('POST', `/stores/${storeId}/credentials`, {
      mode: 'test',
      kind: 'sales_channel',
      name: 'Shop',
      scopes: ['provisioning'],
    });
    assert.equal(created.statusCode, 422, created.body);
    assert.equal(created.json().errors[0].source.pointer, '/scopes');

    const channel = await call('POST', `/stores/${storeId}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'Shop', scopes: [] });
    assert.equal(channel.statusCode, 201);
    const patched = await call('PATCH', `/stores/${storeId}/credentials/${channel.json().id}`, { scopes: ['stores.view', 'provisioning'] });
    assert.equal(patched.statusCode, 422, patched.body);
    assert.deepEqual((await call('GET', `/stores/${storeId}/credentials/${channel.json().id}`)).json().scopes, []);
  });

  test('a public app with the provisioning scope is refused: 422', async () => {
    const owner = (await call('POST', '/users', { email: 'dev@example.com', password: 'correct horse', name: 'Dev' })).json().id;
    const res = await call('POST', '/apps', {
      owner_user_id: owner,
      name: 'SPA',
      homepage: 'https://spa.example',
      redirect_uris: ['https://spa.example/cb'],
      scopes: ['provisioning'],
      confidential: false,
    });
    assert.equal(res.statusCode, 422, res.body);
  });

  test('a storefront token that carries provisioning (a sales channel from before the rule) is refused: 403', async () => {
    const prices = await call('POST', `/stores/${storeId}/price_lists`, { mode: 'test', code: 'eur', name: 'EUR', currency: 'EUR' });
    const warehouse = await call('POST', `/stores/${storeId}/stock_locations`, { mode: 'test', code: 'wh', name: 'Warehouse' });
    const market = await call('POST', `/stores/${storeId}/markets`, {
      mode: 'test',
      code: 'eu',
      name: 'EU',
      active: true,
      price_list_id: prices.json().id,
      stock_location_ids: [warehouse.json().id],
    });
    assert.equal(market.statusCode, 201, market.body);
    const channel = (
      await call('POST', `/stores/${storeId}/credentials`, { mode: 'test', kind: 'sales_channel', name: 'Old', scopes: [] })
    ).json();
    // Written before the rule existed: straight into the database.
    await t.deps.storage.db
      .updateTable('credentials')
      .set({ scopes: JSON.stringify(['provisioning']) })
      .where('id', '=', channel.id)
      .execute();
    t.deps.changes.publish({ collection: 'credentials', id: channel.id });
    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: channel.client_id, scope: 'provisioning market:code:eu' },
    });
    assert.equal(token.statusCode, 200, token.body);
    const res = await call('GET', `/stores/${storeId}/customers`, undefined, token.json().access_token);
    assert.equal(res.statusCode, 403, res.body);
  });
});
