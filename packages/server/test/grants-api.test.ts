import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { grantRepository } from '../src/adapters/sql/grant-repository';
import type { RecordChange } from '../src/core/model/record-change';
import type { StoreActor } from '../src/core/provisioning/provisioning-actor';
import { errorHandler } from '../src/http/errors/error-handler';
import { authenticateProvisioning } from '../src/http/provisioning-auth';
import { provisioningRoutes } from '../src/http/provisioning-routes';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

type Body = Record<string, unknown> & { id: string };
type Kind = 'sales_channel' | 'integration' | 'webapp' | 'app';
interface GrantRecord {
  id: string;
  client_id: string;
  store_ids: string[];
  revoked_at: string | null;
  revoked_reason: string | null;
}

const DAY = 86_400_000;
const RECORD_FIELDS = [
  'client_id',
  'client_kind',
  'created_at',
  'expires_at',
  'id',
  'mode',
  'owner_id',
  'owner_type',
  'revoked_at',
  'revoked_reason',
  'scope',
  'store_ids',
];

/**
 * SPEC §5 actions: `GET /provisioning/v1/grants?user_id=…|client_id=…` and `DELETE /grants/{id}`.
 * Store-bound actors come from a stub verifier (as in provisioning-store-actor.test.ts); grants are
 * written straight into the database.
 */
for (const dialect of await testDialects()) {
  describe(`GET and DELETE /provisioning/v1/grants on ${dialect}`, () => {
    let t: TestApp;
    let app: FastifyInstance;
    const changes: RecordChange[] = [];
    const actors = new Map<string, StoreActor>();
    let storeA: string;
    let storeB: string;
    let alice: string;
    let bob: string;
    let credentialA: Body;
    let credentialB: Body;
    let liveCredentialA: Body;
    let thirdPartyApp: Body;
    const g: Record<string, string> = {};

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token = TEST_ADMIN_TOKEN, payload?: Record<string, unknown>) =>
      app.inject({
        method,
        url: `/provisioning/v1${url}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload }),
      });
    const create = async (url: string, payload: Record<string, unknown>) => {
      const res = await call('POST', url, TEST_ADMIN_TOKEN, payload);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as Body;
    };
    const list = async (query: string, token = TEST_ADMIN_TOKEN) => {
      const res = await call('GET', `/grants?${query}`, token);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { data: GrantRecord[] }).data;
    };
    const idsOf = (grants: GrantRecord[]) => grants.map((x) => x.id).sort();
    const grant = async (
      client: Body,
      kind: Kind,
      mode: 'test' | 'live',
      storeIds: string[],
      owner: { type: 'customer' | 'user'; id: string } | null,
    ) => {
      const id = randomUUID();
      const now = t.clock.now();
      await grantRepository(t.deps.storage.db).create(
        {
          id,
          clientId: String(client.client_id),
          clientRecordId: client.id,
          clientKind: kind,
          mode,
          owner,
          storeIds,
          scope: 'stores.view market:code:eu',
          createdAt: now,
          expiresAt: now + 90 * DAY,
          revokedAt: null,
        },
        null,
        'test',
      );
      t.clock.advance(1);
      return id;
    };
    const rowOf = (id: string) =>
      t.deps.storage.db.selectFrom('grants').select(['revoked_at', 'revoked_reason']).where('id', '=', id).executeTakeFirstOrThrow();
    const auditsOf = (id: string) =>
      t.deps.storage.db
        .selectFrom('audit_entries')
        .select(['action', 'actor', 'store_id', 'target_type', 'details'])
        .where('target_id', '=', id)
        .where('action', '=', 'grant.revoke')
        .orderBy('id')
        .execute();

    before(async () => {
      t = await startTestApp({ dialect });
      t.deps.changes.subscribe((c) => changes.push(c));
      app = Fastify({ logger: false });
      app.setErrorHandler(errorHandler({ issuer: 'http://127.0.0.1:4000', unroutedWire: () => 'jsonapi' }));
      await app.register(provisioningRoutes, {
        service: t.deps.provisioning,
        policy: t.deps.config,
        authenticate: (header) => authenticateProvisioning(header, TEST_ADMIN_TOKEN, async (token) => actors.get(token) ?? null),
      });
      await app.ready();

      storeA = (await create('/stores', { slug: 'a', name: 'A', currency: 'EUR' })).id;
      storeB = (await create('/stores', { slug: 'b', name: 'B', currency: 'EUR' })).id;
      alice = (await create('/users', { email: 'alice@example.com', password: 'correct horse', name: 'Alice' })).id;
      bob = (await create('/users', { email: 'bob@example.com', password: 'correct horse', name: 'Bob' })).id;
      const webapp = { kind: 'webapp', name: 'Back office', redirect_uris: ['https://back.example/cb'] };
      credentialA = await create(`/stores/${storeA}/credentials`, { mode: 'test', ...webapp });
      credentialB = await create(`/stores/${storeB}/credentials`, { mode: 'test', ...webapp });
      liveCredentialA = await create(`/stores/${storeA}/credentials`, { mode: 'live', ...webapp });
      thirdPartyApp = await create('/apps', {
        owner_user_id: bob,
        name: 'Reports',
        homepage: 'https://reports.example',
        redirect_uris: ['https://reports.example/cb'],
      });
      const shopper = (await create(`/stores/${storeA}/customers`, { mode: 'test', email: 'shopper@example.com', password: 'pw-123456' }))
        .id;

      g.aliceA = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: alice });
      g.aliceApp = await grant(thirdPartyApp, 'app', 'live', [storeB, storeA], { type: 'user', id: alice });
      g.aliceB = await grant(credentialB, 'webapp', 'test', [storeB], { type: 'user', id: alice });
      g.aliceLiveA = await grant(liveCredentialA, 'webapp', 'live', [storeA], { type: 'user', id: alice });
      g.bobA = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: bob });
      g.shopperA = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'customer', id: shopper });
      g.guestA = await grant(credentialA, 'webapp', 'test', [storeA], null);

      actors.set('a-test', { kind: 'store', storeId: storeA, mode: 'test', clientId: 'client-a-test' });
      actors.set('a-live', { kind: 'store', storeId: storeA, mode: 'live', clientId: 'client-a-live' });
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    describe('GET /grants', () => {
      test("by user_id: the user's grants, oldest first, as full records", async () => {
        const data = await list(`user_id=${alice}`);
        assert.deepEqual(
          data.map((x) => x.id),
          [g.aliceA, g.aliceApp, g.aliceB, g.aliceLiveA],
        );
        const appGrant = data[1] as unknown as Record<string, unknown>;
        assert.deepEqual(Object.keys(appGrant).sort(), RECORD_FIELDS);
        assert.deepEqual(appGrant, {
          id: g.aliceApp,
          client_id: thirdPartyApp.client_id,
          client_kind: 'app',
          mode: 'live',
          owner_type: 'user',
          owner_id: alice,
          store_ids: [storeA, storeB].sort(),
          scope: 'stores.view market:code:eu',
          created_at: appGrant.created_at,
          expires_at: new Date(Date.parse(String(appGrant.created_at)) + 90 * DAY).toISOString(),
          revoked_at: null,
          revoked_reason: null,
        });
        assert.match(String(appGrant.created_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      });

      test("by client_id: the client's grants, whoever they act for", async () => {
        assert.deepEqual(idsOf(await list(`client_id=${credentialA.client_id}`)), [g.aliceA, g.bobA, g.shopperA, g.guestA].sort());
        assert.deepEqual(idsOf(await list(`client_id=${thirdPartyApp.client_id}`)), [g.aliceApp]);
      });

      test('an unknown user or client has no grants: an empty list, not 404', async () => {
        assert.deepEqual(await list('user_id=nobody'), []);
        assert.deepEqual(await list('client_id=nobody'), []);
      });

      test('a customer is not a user: user_id lists user-owned grants only', async () => {
        const shopper = (await list(`client_id=${credentialA.client_id}`)).find((x) => x.id === g.shopperA) as unknown as {
          owner_id: string;
        };
        assert.deepEqual(await list(`user_id=${shopper.owner_id}`), []);
      });

      test('neither or both filters, a repeated or an empty one: 422 naming the parameters', async () => {
        const problems = async (query: string) => {
          const res = await call('GET', `/grants${query}`);
          assert.equal(res.statusCode, 422, `${query}: ${res.body}`);
          const errors = res.json().errors as {
            status: string;
            code: string;
            title: string;
            detail: string;
            source: { parameter: string };
          }[];
          for (const e of errors) {
            assert.equal(e.status, '422');
            assert.equal(e.code, 'VALIDATION_ERROR');
            assert.equal(typeof e.title, 'string');
            assert.equal(typeof e.detail, 'string');
          }
          return errors.map((e) => e.source.parameter).sort();
        };
        assert.deepEqual(await problems(''), ['client_id', 'user_id']);
        assert.deepEqual(await problems('?mode=test'), ['client_id', 'user_id']);
        assert.deepEqual(await problems(`?user_id=${alice}&client_id=${credentialA.client_id}`), ['client_id', 'user_id']);
        assert.deepEqual(await problems(`?user_id=${alice}&user_id=${bob}`), ['user_id']);
        assert.deepEqual(await problems('?client_id='), ['client_id']);
      });

      test('without a valid token: 401 before any validation', async () => {
        const res = await app.inject({ method: 'GET', url: '/provisioning/v1/grants' });
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().errors[0].code, 'INVALID_TOKEN');
        assert.equal((await call('GET', `/grants?user_id=${alice}`, 'not-a-token')).statusCode, 401);
      });

      test('a store-bound token sees only grants that include its store, in its mode', async () => {
        assert.deepEqual(idsOf(await list(`user_id=${alice}`, 'a-test')), [g.aliceA]);
        assert.deepEqual(idsOf(await list(`user_id=${alice}`, 'a-live')), [g.aliceApp, g.aliceLiveA].sort());
        assert.deepEqual(await list(`client_id=${credentialB.client_id}`, 'a-test'), []);
        assert.deepEqual(
          idsOf(await list(`client_id=${credentialA.client_id}`, 'a-test')),
          [g.aliceA, g.bobA, g.shopperA, g.guestA].sort(),
        );
      });

      test('the server as built registers the routes too, and answers no-store', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: `/provisioning/v1/grants?user_id=${bob}`,
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(idsOf(res.json().data), [g.bobA]);
        assert.equal(res.headers['cache-control'], 'no-store');
      });
    });

    describe('DELETE /grants/{id}', () => {
      test('revokes the grant (revoked_by_admin): 204, audited, published, then listed as revoked', async () => {
        const id = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: bob });
        const sibling = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: bob });
        const revokedAt = new Date(t.clock.now()).toISOString();

        const res = await call('DELETE', `/grants/${id}`);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal(res.body, '');

        assert.deepEqual(await rowOf(id), { revoked_at: revokedAt, revoked_reason: 'revoked_by_admin' });
        assert.deepEqual(await rowOf(sibling), { revoked_at: null, revoked_reason: null });
        const audits = await auditsOf(id);
        assert.equal(audits.length, 1);
        assert.deepEqual(
          { ...audits[0], details: JSON.parse(String(audits[0]?.details)) },
          {
            action: 'grant.revoke',
            actor: 'admin',
            store_id: storeA,
            target_type: 'grant',
            details: { reason: 'revoked_by_admin', client_id: credentialA.client_id },
          },
        );
        assert.ok(changes.some((c) => c.collection === 'grants' && c.id === id));
        assert.ok(!changes.some((c) => c.collection === 'grants' && c.id === sibling));
        const listed = (await list(`user_id=${bob}`)).find((x) => x.id === id);
        assert.equal(listed?.revoked_at, revokedAt);
        assert.equal(listed?.revoked_reason, 'revoked_by_admin');
      });

      test('an already revoked grant: 204 again, nothing changes, no second audit entry or publication', async () => {
        const id = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: bob });
        assert.equal((await call('DELETE', `/grants/${id}`)).statusCode, 204);
        const first = await rowOf(id);
        const published = changes.length;

        t.clock.advance(120);
        const again = await call('DELETE', `/grants/${id}`);
        assert.equal(again.statusCode, 204, again.body);
        assert.deepEqual(await rowOf(id), first);
        assert.equal((await auditsOf(id)).length, 1);
        assert.equal(changes.length, published);
      });

      test('a grant revoked by another cause keeps its reason', async () => {
        const id = await grant(credentialA, 'webapp', 'test', [storeA], null);
        await grantRepository(t.deps.storage.db).revokeGrants(
          { ids: [id] },
          { reason: 'refresh_token_reuse', actor: 'system', at: t.clock.now() },
        );
        assert.equal((await call('DELETE', `/grants/${id}`)).statusCode, 204);
        assert.equal((await rowOf(id)).revoked_reason, 'refresh_token_reuse');
        // The cause audited its revocation (SPEC §5); the DELETE that found the grant revoked adds nothing.
        const audits = await auditsOf(id);
        assert.equal(audits.length, 1);
        assert.equal(JSON.parse(String(audits[0]?.details)).reason, 'refresh_token_reuse');
      });

      test('an unknown id: 404 in the provisioning error format', async () => {
        const res = await call('DELETE', '/grants/no-such-grant');
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().errors[0].code, 'NOT_FOUND');
      });

      test('a store-bound token revokes grants that include its store in its mode; any other is 404', async () => {
        const otherStore = await grant(credentialB, 'webapp', 'test', [storeB], { type: 'user', id: alice });
        const otherMode = await grant(liveCredentialA, 'webapp', 'live', [storeA], { type: 'user', id: alice });
        const own = await grant(credentialA, 'webapp', 'test', [storeA], { type: 'user', id: alice });

        for (const id of [otherStore, otherMode]) {
          const res = await call('DELETE', `/grants/${id}`, 'a-test');
          assert.equal(res.statusCode, 404, res.body);
          assert.deepEqual(await rowOf(id), { revoked_at: null, revoked_reason: null });
        }

        assert.equal((await call('DELETE', `/grants/${own}`, 'a-test')).statusCode, 204);
        assert.equal((await rowOf(own)).revoked_reason, 'revoked_by_admin');
        const [audit] = await auditsOf(own);
        assert.equal(audit?.actor, 'client:client-a-test');
        assert.equal(audit?.store_id, storeA);
      });

      test('a store-bound token may revoke an app grant that includes its store (live mode)', async () => {
        const appGrant = await grant(thirdPartyApp, 'app', 'live', [storeA, storeB], { type: 'user', id: bob });
        assert.equal((await call('DELETE', `/grants/${appGrant}`, 'a-test')).statusCode, 404, 'app grants are live-mode');
        assert.equal((await call('DELETE', `/grants/${appGrant}`, 'a-live')).statusCode, 204);
        assert.equal((await rowOf(appGrant)).revoked_reason, 'revoked_by_admin');
      });

      test('without a valid token: 401, and the grant stays live', async () => {
        const id = await grant(credentialA, 'webapp', 'test', [storeA], null);
        const res = await app.inject({ method: 'DELETE', url: `/provisioning/v1/grants/${id}` });
        assert.equal(res.statusCode, 401);
        assert.deepEqual(await rowOf(id), { revoked_at: null, revoked_reason: null });
      });
    });
  });
}
