import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { StoreActor } from '../src/core/provisioning/provisioning-actor';
import { errorHandler } from '../src/http/errors/error-handler';
import { authenticateProvisioning } from '../src/http/provisioning-auth';
import { provisioningRoutes } from '../src/http/provisioning-routes';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';

type Body = Record<string, unknown>;

/**
 * The rules for store-bound actors (SPEC §5: a `provisioning` token acts on its own store, in its own
 * mode), checked through the route layer with a stub verifier in place of JWT verification.
 */
describe('provisioning as a store-bound actor', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let own: string;
  let other: string;
  const actors = new Map<string, StoreActor>();

  const call = async (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Body) =>
    app.inject({ method, url: `/provisioning/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const admin = async (url: string, payload: Body) => {
    const res = await call(TEST_ADMIN_TOKEN, 'POST', url, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Body & { id: string };
  };

  before(async () => {
    t = await startTestApp();
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler({ issuer: 'http://127.0.0.1:4000', unroutedWire: () => 'jsonapi' }));
    await app.register(provisioningRoutes, {
      service: t.deps.provisioning,
      policy: t.deps.config,
      authenticate: (header) => authenticateProvisioning(header, TEST_ADMIN_TOKEN, async (token) => actors.get(token) ?? null),
    });
    await app.ready();
    own = (await admin('/stores', { slug: 'own', name: 'Own', currency: 'EUR' })).id;
    other = (await admin('/stores', { slug: 'other', name: 'Other', currency: 'EUR' })).id;
    actors.set('own-test', { kind: 'store', storeId: own, mode: 'test', clientId: 'client-own-test' });
    actors.set('own-live', { kind: 'store', storeId: own, mode: 'live', clientId: 'client-own-live' });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  test('a token the verifier does not accept is 401', async () => {
    const res = await call('unknown-token', 'GET', `/stores/${own}/skus`);
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer /);
  });

  test('the verifier is not consulted for the admin token, and no verifier means admin only', async () => {
    let consulted = false;
    const actor = await authenticateProvisioning(`Bearer ${TEST_ADMIN_TOKEN}`, TEST_ADMIN_TOKEN, async () => {
      consulted = true;
      return null;
    });
    assert.deepEqual(actor, { kind: 'admin' });
    assert.equal(consulted, false);
    await assert.rejects(authenticateProvisioning('Bearer own-test', TEST_ADMIN_TOKEN), { name: 'InvalidTokenError' });
  });

  test('it manages the records of its own store and mode', async () => {
    const created = await call('own-test', 'POST', `/stores/${own}/skus`, { mode: 'test', code: 'A', name: 'A' });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    assert.equal((await call('own-test', 'GET', `/stores/${own}/skus/${id}`)).statusCode, 200);
    assert.equal((await call('own-test', 'PATCH', `/stores/${own}/skus/${id}`, { name: 'B' })).json().name, 'B');
    assert.equal((await call('own-test', 'DELETE', `/stores/${own}/skus/${id}`)).statusCode, 204);
    const audit = await t.deps.storage.db
      .selectFrom('audit_entries')
      .select(['actor', 'action'])
      .where('target_id', '=', id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.actor),
      ['client:client-own-test', 'client:client-own-test', 'client:client-own-test'],
    );
  });

  test('it may read and update its own store, and nothing else under /stores', async () => {
    assert.equal((await call('own-test', 'GET', `/stores/${own}`)).statusCode, 200);
    // A store has no mode: only a live-mode token may change it (SPEC §1).
    assert.equal((await call('own-live', 'PATCH', `/stores/${own}`, { name: 'Renamed' })).json().name, 'Renamed');
    for (const [method, url, payload] of [
      ['GET', '/stores'],
      ['POST', '/stores', { slug: 'new', name: 'New', currency: 'EUR' }],
      ['DELETE', `/stores/${own}`],
      ['GET', `/stores/${other}`],
      ['PATCH', `/stores/${other}`, { name: 'Taken over' }],
    ] as const) {
      const res = await call('own-test', method, url, payload as Body | undefined);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().errors[0].code, 'FORBIDDEN');
    }
    assert.equal((await call(TEST_ADMIN_TOKEN, 'GET', `/stores/${other}`)).json().name, 'Other');
  });

  test("another store's collections are 403", async () => {
    const otherSku = await admin(`/stores/${other}/skus`, { mode: 'test', code: 'X', name: 'X' });
    assert.equal((await call('own-test', 'GET', `/stores/${other}/skus`)).statusCode, 403);
    assert.equal((await call('own-test', 'GET', `/stores/${other}/skus/${otherSku.id}`)).statusCode, 403);
    assert.equal((await call('own-test', 'POST', `/stores/${other}/skus`, { mode: 'test', code: 'Y', name: 'Y' })).statusCode, 403);
    assert.equal((await call('own-test', 'DELETE', `/stores/${other}/skus/${otherSku.id}`)).statusCode, 403);
    // Through its own store's path, the other store's record simply does not exist.
    assert.equal((await call('own-test', 'GET', `/stores/${own}/skus/${otherSku.id}`)).statusCode, 404);
  });

  test('/users and /apps are 403', async () => {
    assert.equal((await call('own-test', 'GET', '/users')).statusCode, 403);
    assert.equal((await call('own-test', 'POST', '/users', { email: 'a@example.com', password: 'password-1', name: 'A' })).statusCode, 403);
    assert.equal((await call('own-test', 'GET', '/apps')).statusCode, 403);
    assert.equal((await call('own-test', 'GET', '/apps/anything')).statusCode, 403);
  });

  test('records of the other mode do not exist for it: 404 by id, absent from lists; creating there is 403', async () => {
    const liveLocation = await admin(`/stores/${own}/stock_locations`, { mode: 'live', code: 'live', name: 'Live' });
    const testLocation = await admin(`/stores/${own}/stock_locations`, { mode: 'test', code: 'test', name: 'Test' });
    const u = `/stores/${own}/stock_locations`;
    assert.equal((await call('own-test', 'GET', `${u}/${liveLocation.id}`)).statusCode, 404);
    assert.equal((await call('own-test', 'PATCH', `${u}/${liveLocation.id}`, { name: 'x' })).statusCode, 404);
    assert.equal((await call('own-test', 'DELETE', `${u}/${liveLocation.id}`)).statusCode, 404);
    const list = (await call('own-test', 'GET', u)).json().data.map((r: Body) => r.id);
    assert.ok(list.includes(testLocation.id) && !list.includes(liveLocation.id));
    assert.deepEqual((await call('own-test', 'GET', `${u}?mode=live`)).json().data, []);
    assert.equal((await call('own-live', 'GET', `${u}/${liveLocation.id}`)).statusCode, 200);
    assert.equal((await call('own-test', 'POST', u, { mode: 'live', code: 'sneaky', name: 'Sneaky' })).statusCode, 403);
  });

  test('it may rotate its store’s credential secrets in its mode only', async () => {
    const testCred = await admin(`/stores/${own}/credentials`, { mode: 'test', kind: 'integration', name: 'T' });
    const liveCred = await admin(`/stores/${own}/credentials`, { mode: 'live', kind: 'integration', name: 'L' });
    assert.equal((await call('own-test', 'POST', `/stores/${own}/credentials/${testCred.id}/rotate_secret`)).statusCode, 200);
    assert.equal((await call('own-test', 'POST', `/stores/${own}/credentials/${liveCred.id}/rotate_secret`)).statusCode, 404);
  });
});

/**
 * SPEC §1, §5: a test-mode token never changes a record that has no mode (the store, memberships,
 * users, apps): test mode is a sandbox, and those records are shared with live mode. A live-mode
 * token may, under the owner rule.
 */
describe('test mode never reaches the records it shares with live mode', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let store: string;
  const actors = new Map<string, StoreActor>();
  const call = async (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Body) =>
    app.inject({ method, url: `/provisioning/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const admin = async (url: string, payload: Body) => {
    const res = await call(TEST_ADMIN_TOKEN, 'POST', url, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Body & { id: string };
  };
  const memberships = async () => (await call(TEST_ADMIN_TOKEN, 'GET', `/stores/${store}/memberships`)).json().data as Body[];

  before(async () => {
    t = await startTestApp();
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler({ issuer: 'http://127.0.0.1:4000', unroutedWire: () => 'jsonapi' }));
    await app.register(provisioningRoutes, {
      service: t.deps.provisioning,
      policy: t.deps.config,
      authenticate: (header) => authenticateProvisioning(header, TEST_ADMIN_TOKEN, async (token) => actors.get(token) ?? null),
    });
    await app.ready();
    store = (await admin('/stores', { slug: 'shared', name: 'Shared', currency: 'EUR' })).id;
    actors.set('test', { kind: 'store', storeId: store, mode: 'test', clientId: 'client-test' });
    actors.set('live', { kind: 'store', storeId: store, mode: 'live', clientId: 'client-live' });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  test('a test-mode token may not rename its store, nor create, change or delete memberships: 403, nothing written', async () => {
    const user = await admin('/users', { email: 'someone@example.com', password: 'correct horse', name: 'Someone' });
    const existing = await admin(`/stores/${store}/memberships`, { user_id: user.id, role: 'member' });
    const other = await admin('/users', { email: 'intruder@example.com', password: 'correct horse', name: 'Intruder' });
    const auditBefore = (await t.deps.storage.db.selectFrom('audit_entries').select('id').execute()).length;

    for (const [method, url, payload] of [
      ['PATCH', `/stores/${store}`, { name: 'Renamed by test mode' }],
      ['POST', `/stores/${store}/memberships`, { user_id: other.id, role: 'owner' }],
      ['PATCH', `/stores/${store}/memberships/${existing.id}`, { role: 'owner' }],
      ['DELETE', `/stores/${store}/memberships/${existing.id}`],
    ] as const) {
      const res = await call('test', method, url, payload as Body | undefined);
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().errors[0].code, 'FORBIDDEN');
    }
    assert.equal((await call(TEST_ADMIN_TOKEN, 'GET', `/stores/${store}`)).json().name, 'Shared');
    assert.deepEqual(
      (await memberships()).map((m) => [m.user_id, m.role]),
      [[user.id, 'member']],
    );
    assert.equal((await t.deps.storage.db.selectFrom('audit_entries').select('id').execute()).length, auditBefore);
    // Reading is no change: the store and its memberships stay visible.
    assert.equal((await call('test', 'GET', `/stores/${store}`)).statusCode, 200);
    assert.equal((await call('test', 'GET', `/stores/${store}/memberships`)).statusCode, 200);
  });

  test('a live-mode token may rename its store and manage non-owner memberships', async () => {
    const user = await admin('/users', { email: 'colleague@example.com', password: 'correct horse', name: 'Colleague' });
    assert.equal((await call('live', 'PATCH', `/stores/${store}`, { name: 'Renamed live' })).statusCode, 200);
    const created = await call('live', 'POST', `/stores/${store}/memberships`, { user_id: user.id, role: 'admin' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await call('live', 'PATCH', `/stores/${store}/memberships/${created.json().id}`, { role: 'member' })).statusCode, 200);
    assert.equal((await call('live', 'DELETE', `/stores/${store}/memberships/${created.json().id}`)).statusCode, 204);
  });
});

/**
 * SPEC §5: only an owner (or the admin token) grants or removes the owner role, and the last owner of
 * a store cannot be removed (409). A store-bound token counts as an owner only when it acts for a user
 * who is an owner of the store.
 */
describe('the owner role', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let store: string;
  let ownerUser: string;
  let adminUser: string;
  let ownerMembership: string;
  let adminMembership: string;
  const actors = new Map<string, StoreActor>();
  const call = async (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Body) =>
    app.inject({ method, url: `/provisioning/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const admin = async (url: string, payload: Body) => {
    const res = await call(TEST_ADMIN_TOKEN, 'POST', url, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Body & { id: string };
  };
  const roles = async () =>
    Object.fromEntries(
      ((await call(TEST_ADMIN_TOKEN, 'GET', `/stores/${store}/memberships`)).json().data as Body[]).map((m) => [m.user_id, m.role]),
    );

  before(async () => {
    t = await startTestApp();
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler({ issuer: 'http://127.0.0.1:4000', unroutedWire: () => 'jsonapi' }));
    await app.register(provisioningRoutes, {
      service: t.deps.provisioning,
      policy: t.deps.config,
      authenticate: (header) => authenticateProvisioning(header, TEST_ADMIN_TOKEN, async (token) => actors.get(token) ?? null),
    });
    await app.ready();
    store = (await admin('/stores', { slug: 'owned', name: 'Owned', currency: 'EUR' })).id;
    ownerUser = (await admin('/users', { email: 'owner@example.com', password: 'correct horse', name: 'Owner' })).id;
    adminUser = (await admin('/users', { email: 'admin@example.com', password: 'correct horse', name: 'Admin' })).id;
    ownerMembership = (await admin(`/stores/${store}/memberships`, { user_id: ownerUser, role: 'owner' })).id;
    adminMembership = (await admin(`/stores/${store}/memberships`, { user_id: adminUser, role: 'admin' })).id;
    actors.set('as-owner', { kind: 'store', storeId: store, mode: 'live', clientId: 'webapp', ownerUserId: ownerUser });
    actors.set('as-admin', { kind: 'store', storeId: store, mode: 'live', clientId: 'webapp', ownerUserId: adminUser });
    actors.set('as-integration', { kind: 'store', storeId: store, mode: 'live', clientId: 'integration', ownerUserId: null });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  test("an admin's token can neither make itself owner nor demote or remove the owner: 403, nothing changes", async () => {
    const before = await roles();
    for (const [method, url, payload] of [
      ['PATCH', `/stores/${store}/memberships/${adminMembership}`, { role: 'owner' }],
      ['PATCH', `/stores/${store}/memberships/${ownerMembership}`, { role: 'member' }],
      ['DELETE', `/stores/${store}/memberships/${ownerMembership}`],
    ] as const) {
      const res = await call('as-admin', method, url, payload as Body | undefined);
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    }
    const newcomer = await admin('/users', { email: 'newcomer@example.com', password: 'correct horse', name: 'New' });
    assert.equal((await call('as-admin', 'POST', `/stores/${store}/memberships`, { user_id: newcomer.id, role: 'owner' })).statusCode, 403);
    assert.equal(
      (await call('as-integration', 'POST', `/stores/${store}/memberships`, { user_id: newcomer.id, role: 'owner' })).statusCode,
      403,
      'a client acting for itself is nobody’s owner',
    );
    assert.deepEqual(await roles(), before);
  });

  test('an owner’s token grants the owner role; the admin token may too', async () => {
    const res = await call('as-owner', 'PATCH', `/stores/${store}/memberships/${adminMembership}`, { role: 'owner' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await roles())[adminUser], 'owner');
    const back = await call(TEST_ADMIN_TOKEN, 'PATCH', `/stores/${store}/memberships/${adminMembership}`, { role: 'admin' });
    assert.equal(back.statusCode, 200, back.body);
  });

  test('the last owner of a store cannot be demoted, removed or deleted with their user, even by the admin token: 409', async () => {
    const before = await roles();
    for (const [method, url, payload] of [
      ['PATCH', `/stores/${store}/memberships/${ownerMembership}`, { role: 'admin' }],
      ['DELETE', `/stores/${store}/memberships/${ownerMembership}`],
      ['DELETE', `/users/${ownerUser}`],
    ] as const) {
      const res = await call(TEST_ADMIN_TOKEN, method, url, payload as Body | undefined);
      assert.equal(res.statusCode, 409, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().errors[0].code, 'CONFLICT');
    }
    assert.equal((await call('as-owner', 'DELETE', `/stores/${store}/memberships/${ownerMembership}`)).statusCode, 409);
    assert.deepEqual(await roles(), before);
    assert.equal((await call(TEST_ADMIN_TOKEN, 'GET', `/users/${ownerUser}`)).statusCode, 200);

    // With a second owner, the first may go.
    assert.equal((await call('as-owner', 'PATCH', `/stores/${store}/memberships/${adminMembership}`, { role: 'owner' })).statusCode, 200);
    assert.equal((await call('as-owner', 'PATCH', `/stores/${store}/memberships/${ownerMembership}`, { role: 'admin' })).statusCode, 200);
    assert.deepEqual(await roles(), { [ownerUser]: 'admin', [adminUser]: 'owner' });
  });
});
