import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { grantRepository } from '../src/adapters/sql/grant-repository';
import { provisioningRepository } from '../src/adapters/sql/provisioning-repository';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { ChangeHub } from '../src/core/change-hub';
import type { RecordChange } from '../src/core/model/record-change';
import type { ProvisioningStore } from '../src/core/ports/provisioning-store';
import type { ProvisioningActor } from '../src/core/provisioning/provisioning-actor';
import { ProvisioningService } from '../src/core/provisioning/provisioning-service';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_ADMIN_TOKEN } from './support/test-config';
import { testDialects } from './support/test-storage';

type Body = Record<string, unknown> & { id: string };
type Kind = 'sales_channel' | 'integration' | 'webapp' | 'app';

const ADMIN: ProvisioningActor = { kind: 'admin' };
const DAY = 86_400_000;

/**
 * SPEC §1: "A grant is revoked, in the same transaction as its cause, by: … deleting the credential or
 * app; the authorizing user losing owner or admin on a granted store (that store leaves the grant; the
 * grant is revoked when none is left); deleting the customer or user, or a change of their password."
 * Grants are written straight into the database: the token endpoint's grants are built elsewhere.
 */
for (const dialect of await testDialects()) {
  describe(`grant revocation by provisioning writes on ${dialect}`, () => {
    let t: TestApp;
    const changes: RecordChange[] = [];
    let n = 0;
    const unique = (prefix: string) => `${prefix}${++n}`;

    const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({
        method,
        url: `/provisioning/v1${url}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        ...(payload === undefined ? {} : { payload }),
      });
    const create = async (url: string, payload: Record<string, unknown>) => {
      const res = await call('POST', url, payload);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as Body;
    };
    const expectStatus = async (status: number, method: 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
      const res = await call(method, url, payload);
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
    };

    const newStore = () => create('/stores', { slug: unique('store-'), name: 'Store', currency: 'EUR' });
    const newUser = () => create('/users', { email: `${unique('user')}@example.com`, password: 'correct horse', name: 'Staff' });
    const newCustomer = (storeId: string) =>
      create(`/stores/${storeId}/customers`, { mode: 'test', email: `${unique('shopper')}@example.com`, password: 'correct horse' });
    const newCredential = (storeId: string, kind: 'integration' | 'webapp' | 'sales_channel' = 'webapp') =>
      create(`/stores/${storeId}/credentials`, {
        mode: 'test',
        kind,
        name: unique('client-'),
        ...(kind === 'webapp' ? { redirect_uris: ['https://back.example/cb'] } : {}),
      });
    const newApp = (ownerUserId: string) =>
      create('/apps', {
        owner_user_id: ownerUserId,
        name: unique('app-'),
        homepage: 'https://app.example',
        redirect_uris: ['https://app.example/cb'],
      });
    const membership = (storeId: string, userId: string, role: 'owner' | 'admin' | 'member') =>
      create(`/stores/${storeId}/memberships`, { user_id: userId, role });

    /** A live grant with a refresh token, as the token endpoint would leave it. */
    const grant = async (client: Body, kind: Kind, storeIds: string[], owner: { type: 'customer' | 'user'; id: string } | null) => {
      const id = randomUUID();
      const now = t.clock.now();
      await grantRepository(t.deps.storage.db).create(
        {
          id,
          clientId: String(client.client_id),
          clientRecordId: client.id,
          clientKind: kind,
          mode: kind === 'app' ? 'live' : 'test',
          owner,
          storeIds,
          scope: 'stores.view',
          createdAt: now,
          expiresAt: now + 90 * DAY,
          revokedAt: null,
        },
        { id: randomUUID(), tokenHash: `hash-${id}`, issuedAt: now, expiresAt: now + 30 * DAY },
        'test',
      );
      return id;
    };
    const stateOf = async (id: string) => {
      const row = await t.deps.storage.db
        .selectFrom('grants')
        .select(['revoked_at', 'revoked_reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const stores = await t.deps.storage.db.selectFrom('grant_stores').select('store_id').where('grant_id', '=', id).execute();
      return { revokedAt: row.revoked_at, reason: row.revoked_reason, storeIds: stores.map((s) => s.store_id).sort() };
    };
    const assertLive = async (id: string, message: string) => {
      const state = await stateOf(id);
      assert.equal(state.revokedAt, null, `${message}: expected live, got ${state.reason}`);
      assert.equal(state.reason, null);
    };
    const assertRevoked = async (id: string, reason: string) => {
      const state = await stateOf(id);
      assert.equal(state.revokedAt, new Date(t.clock.now()).toISOString(), `grant ${id} should be revoked`);
      assert.equal(state.reason, reason);
    };
    const lastAudit = async (targetId: string, action: string) => {
      const row = await t.deps.storage.db
        .selectFrom('audit_entries')
        .select('details')
        .where('target_id', '=', targetId)
        .where('action', '=', action)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      return JSON.parse(row.details) as Record<string, unknown>;
    };
    const published = (id: string) => changes.some((c) => c.collection === 'grants' && c.id === id);

    /**
     * The same service over the same database, except that the audit entry, the last statement of every
     * write, fails: if the write's revocations were not in its transaction, they would survive.
     */
    const serviceWhoseAuditFails = () => {
      const real = provisioningRepository(t.deps.storage.db, t.deps.storage.dialect);
      const store: ProvisioningStore = {
        ...real,
        transaction: (work) =>
          real.transaction((tx) =>
            work({
              ...tx,
              audit: async () => {
                throw new Error('the audit log refused the entry');
              },
            }),
          ),
      };
      return new ProvisioningService({
        store,
        clock: t.clock,
        random: cryptoRandom,
        secretHasher: t.deps.secretHasher,
        changes: new ChangeHub(),
        policy: t.deps.config,
        hashPassword: async () => 'not-a-real-hash',
      });
    };
    const failsInAudit = async (work: (service: ProvisioningService) => Promise<unknown>) =>
      assert.rejects(() => work(serviceWhoseAuditFails()), /the audit log refused the entry/);

    before(async () => {
      t = await startTestApp({ dialect });
      t.deps.changes.subscribe((c) => changes.push(c));
    });
    after(() => t.close());

    describe('deleting a credential or an app (client_deleted)', () => {
      test("a credential's grants are revoked and published; another credential's grant stays live", async () => {
        const store = await newStore();
        const user = await newUser();
        const webapp = await newCredential(store.id);
        const other = await newCredential(store.id);
        const staffGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const guestGrant = await grant(webapp, 'webapp', [store.id], null);
        const unrelated = await grant(other, 'webapp', [store.id], { type: 'user', id: user.id });

        await expectStatus(204, 'DELETE', `/stores/${store.id}/credentials/${webapp.id}`);

        await assertRevoked(staffGrant, 'client_deleted');
        await assertRevoked(guestGrant, 'client_deleted');
        await assertLive(unrelated, 'the other credential');
        assert.equal((await lastAudit(webapp.id, 'credential.delete')).revoked_grants, 2);
        assert.ok(published(staffGrant) && published(guestGrant), 'each revoked grant is told on the change hub');
        assert.ok(!published(unrelated));
        assert.ok(
          changes.some((c) => c.collection === 'credentials' && c.id === webapp.id),
          "and the record's own change too",
        );
      });

      test("an app's grants are revoked; another app's grant stays live", async () => {
        const store = await newStore();
        const developer = await newUser();
        const merchant = await newUser();
        const app = await newApp(developer.id);
        const otherApp = await newApp(developer.id);
        const granted = await grant(app, 'app', [store.id], { type: 'user', id: merchant.id });
        const unrelated = await grant(otherApp, 'app', [store.id], { type: 'user', id: merchant.id });

        await expectStatus(204, 'DELETE', `/apps/${app.id}`);

        await assertRevoked(granted, 'client_deleted');
        await assertLive(unrelated, 'the other app');
        assert.equal((await lastAudit(app.id, 'app.delete')).revoked_grants, 1);
        assert.ok(published(granted));
      });

      test('when the delete fails, the grants stay live (same transaction)', async () => {
        const store = await newStore();
        const developer = await newUser();
        const webapp = await newCredential(store.id);
        const app = await newApp(developer.id);
        const credentialGrant = await grant(webapp, 'webapp', [store.id], null);
        const appGrant = await grant(app, 'app', [store.id], { type: 'user', id: developer.id });

        await failsInAudit((s) => s.remove(ADMIN, 'credentials', store.id, webapp.id));
        await failsInAudit((s) => s.remove(ADMIN, 'apps', undefined, app.id));

        await assertLive(credentialGrant, 'the credential was not deleted');
        await assertLive(appGrant, 'the app was not deleted');
      });
    });

    describe('deleting a customer or a user (owner_deleted)', () => {
      test("a customer's grants are revoked; another customer's grant stays live", async () => {
        const store = await newStore();
        const channel = await newCredential(store.id, 'sales_channel');
        const shopper = await newCustomer(store.id);
        const otherShopper = await newCustomer(store.id);
        const granted = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });
        const unrelated = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: otherShopper.id });

        await expectStatus(204, 'DELETE', `/stores/${store.id}/customers/${shopper.id}`);

        await assertRevoked(granted, 'owner_deleted');
        await assertLive(unrelated, 'the other customer');
        assert.equal((await lastAudit(shopper.id, 'customer.delete')).revoked_grants, 1);
        assert.ok(published(granted));
      });

      test("a user's grants are revoked, and so are the grants of the apps the user owned", async () => {
        const store = await newStore();
        const webapp = await newCredential(store.id);
        const user = await newUser();
        const merchant = await newUser();
        const app = await newApp(user.id);
        const ownGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const ownAppGrant = await grant(app, 'app', [store.id], { type: 'user', id: user.id });
        const grantToTheirApp = await grant(app, 'app', [store.id], { type: 'user', id: merchant.id });
        const unrelated = await grant(webapp, 'webapp', [store.id], { type: 'user', id: merchant.id });

        await expectStatus(204, 'DELETE', `/users/${user.id}`);

        await assertRevoked(ownGrant, 'owner_deleted');
        await assertRevoked(ownAppGrant, 'owner_deleted');
        // The apps go with their owner (ON DELETE CASCADE), so their grants are the grants of a deleted client.
        await assertRevoked(grantToTheirApp, 'client_deleted');
        await assertLive(unrelated, 'another user');
        assert.equal((await lastAudit(user.id, 'user.delete')).revoked_grants, 3);
      });

      test('a customer with the same id as a user is not the user: owners are typed', async () => {
        const store = await newStore();
        const channel = await newCredential(store.id, 'sales_channel');
        const shopper = await newCustomer(store.id);
        const webapp = await newCredential(store.id);
        // A user-owned grant whose owner id happens to be the customer's id.
        const lookalike = await grant(webapp, 'webapp', [store.id], { type: 'user', id: shopper.id });
        const granted = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });

        await expectStatus(204, 'DELETE', `/stores/${store.id}/customers/${shopper.id}`);

        await assertRevoked(granted, 'owner_deleted');
        await assertLive(lookalike, 'a user-owned grant');
      });

      test('when the delete fails, the grants stay live (same transaction)', async () => {
        const store = await newStore();
        const channel = await newCredential(store.id, 'sales_channel');
        const webapp = await newCredential(store.id);
        const shopper = await newCustomer(store.id);
        const user = await newUser();
        const customerGrant = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });
        const userGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });

        await failsInAudit((s) => s.remove(ADMIN, 'customers', store.id, shopper.id));
        await failsInAudit((s) => s.remove(ADMIN, 'users', undefined, user.id));

        await assertLive(customerGrant, 'the customer was not deleted');
        await assertLive(userGrant, 'the user was not deleted');
      });
    });

    describe('a password change (password_changed)', () => {
      test("a customer's new password revokes their grants; another patch does not", async () => {
        const store = await newStore();
        const channel = await newCredential(store.id, 'sales_channel');
        const shopper = await newCustomer(store.id);
        const otherShopper = await newCustomer(store.id);
        const granted = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });
        const unrelated = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: otherShopper.id });

        await expectStatus(200, 'PATCH', `/stores/${store.id}/customers/${shopper.id}`, { email: `${unique('renamed')}@example.com` });
        await assertLive(granted, 'an email change is not a password change');

        await expectStatus(200, 'PATCH', `/stores/${store.id}/customers/${shopper.id}`, { password: 'a new password' });
        await assertRevoked(granted, 'password_changed');
        await assertLive(unrelated, 'the other customer');
        const details = await lastAudit(shopper.id, 'customer.update');
        assert.deepEqual(details, { changed: ['password'], revoked_grants: 1 });
        assert.ok(published(granted));
      });

      test("a user's new password revokes their grants, app grants included", async () => {
        const store = await newStore();
        const webapp = await newCredential(store.id);
        const user = await newUser();
        const other = await newUser();
        const app = await newApp(other.id);
        const webappGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const appGrant = await grant(app, 'app', [store.id], { type: 'user', id: user.id });
        const unrelated = await grant(webapp, 'webapp', [store.id], { type: 'user', id: other.id });

        await expectStatus(200, 'PATCH', `/users/${user.id}`, { name: 'Renamed' });
        await assertLive(webappGrant, 'a name change is not a password change');

        await expectStatus(200, 'PATCH', `/users/${user.id}`, { password: 'a new password' });
        await assertRevoked(webappGrant, 'password_changed');
        await assertRevoked(appGrant, 'password_changed');
        await assertLive(unrelated, 'the other user');
        assert.equal((await lastAudit(user.id, 'user.update')).revoked_grants, 2);
      });

      test('a password change refused with 409 (email taken) leaves the grants live', async () => {
        const store = await newStore();
        const webapp = await newCredential(store.id);
        const channel = await newCredential(store.id, 'sales_channel');
        const user = await newUser();
        const taken = await newUser();
        const shopper = await newCustomer(store.id);
        const takenShopper = await newCustomer(store.id);
        const userGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const customerGrant = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });

        // The revocation runs first in the transaction; the unique email refuses the update after it.
        await expectStatus(409, 'PATCH', `/users/${user.id}`, { password: 'a new password', email: taken.email });
        await expectStatus(409, 'PATCH', `/stores/${store.id}/customers/${shopper.id}`, {
          password: 'a new password',
          email: takenShopper.email,
        });

        await assertLive(userGrant, 'the user patch was refused');
        await assertLive(customerGrant, 'the customer patch was refused');
        assert.ok(!published(userGrant) && !published(customerGrant));
      });

      test('a password change refused with 422 leaves the grants live', async () => {
        const store = await newStore();
        const webapp = await newCredential(store.id);
        const user = await newUser();
        const userGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });

        await expectStatus(422, 'PATCH', `/users/${user.id}`, { password: 'a new password', email: 'not an email' });

        await assertLive(userGrant, 'the user patch was refused');
      });
    });

    describe('a user losing owner or admin on a store (role_lost)', () => {
      test('an app grant loses the store and stays live; losing the second store revokes it', async () => {
        const first = await newStore();
        const second = await newStore();
        const user = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const inFirst = await membership(first.id, user.id, 'owner');
        // The store keeps an owner (SPEC §5: the last owner cannot be removed).
        await membership(first.id, (await newUser()).id, 'owner');
        const inSecond = await membership(second.id, user.id, 'admin');
        const granted = await grant(app, 'app', [first.id, second.id], { type: 'user', id: user.id });

        await expectStatus(200, 'PATCH', `/stores/${first.id}/memberships/${inFirst.id}`, { role: 'member' });
        let state = await stateOf(granted);
        assert.equal(state.revokedAt, null, 'one store is left, so the grant lives on');
        assert.deepEqual(state.storeIds, [second.id]);
        assert.equal((await lastAudit(inFirst.id, 'membership.update')).narrowed_grants, 1);
        assert.ok(!published(granted));

        await expectStatus(200, 'PATCH', `/stores/${second.id}/memberships/${inSecond.id}`, { role: 'member' });
        await assertRevoked(granted, 'role_lost');
        state = await stateOf(granted);
        assert.deepEqual(state.storeIds, []);
        assert.equal((await lastAudit(inSecond.id, 'membership.update')).revoked_grants, 1);
        assert.ok(published(granted));
      });

      test("a demotion to member keeps the user's webapp grants (the next refresh narrows them)", async () => {
        const store = await newStore();
        const user = await newUser();
        const webapp = await newCredential(store.id);
        const member = await membership(store.id, user.id, 'admin');
        const webappGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });

        await expectStatus(200, 'PATCH', `/stores/${store.id}/memberships/${member.id}`, { role: 'member' });

        const state = await stateOf(webappGrant);
        assert.equal(state.revokedAt, null);
        assert.deepEqual(state.storeIds, [store.id]);
      });

      test("only that user's app grants on that store are touched; owner → admin is no loss", async () => {
        const store = await newStore();
        const elsewhere = await newStore();
        const user = await newUser();
        const colleague = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const member = await membership(store.id, user.id, 'owner');
        await membership(store.id, colleague.id, 'admin');
        await membership(store.id, (await newUser()).id, 'owner');
        const granted = await grant(app, 'app', [store.id, elsewhere.id], { type: 'user', id: user.id });
        const colleagues = await grant(app, 'app', [store.id], { type: 'user', id: colleague.id });
        const notThisStore = await grant(app, 'app', [elsewhere.id], { type: 'user', id: user.id });

        await expectStatus(200, 'PATCH', `/stores/${store.id}/memberships/${member.id}`, { role: 'admin' });
        assert.deepEqual((await stateOf(granted)).storeIds, [store.id, elsewhere.id].sort(), 'an admin still manages the store');
        assert.equal('narrowed_grants' in (await lastAudit(member.id, 'membership.update')), false);

        await expectStatus(200, 'PATCH', `/stores/${store.id}/memberships/${member.id}`, { role: 'member' });
        assert.deepEqual((await stateOf(granted)).storeIds, [elsewhere.id]);
        await assertLive(colleagues, "a colleague's grant");
        assert.deepEqual((await stateOf(colleagues)).storeIds, [store.id]);
        assert.deepEqual((await stateOf(notThisStore)).storeIds, [elsewhere.id]);
      });

      test('a deleted membership takes the store out of app grants and revokes webapp grants on that store', async () => {
        const store = await newStore();
        const other = await newStore();
        const user = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const webapp = await newCredential(store.id);
        const otherWebapp = await newCredential(other.id);
        const member = await membership(store.id, user.id, 'member');
        await membership(other.id, user.id, 'member');
        const appGrant = await grant(app, 'app', [store.id, other.id], { type: 'user', id: user.id });
        const onlyHere = await grant(app, 'app', [store.id], { type: 'user', id: user.id });
        const webappGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const otherStoreWebappGrant = await grant(otherWebapp, 'webapp', [other.id], { type: 'user', id: user.id });

        await expectStatus(204, 'DELETE', `/stores/${store.id}/memberships/${member.id}`);

        const state = await stateOf(appGrant);
        assert.equal(state.revokedAt, null);
        assert.deepEqual(state.storeIds, [other.id]);
        await assertRevoked(onlyHere, 'role_lost');
        await assertRevoked(webappGrant, 'role_lost');
        await assertLive(otherStoreWebappGrant, "the user's webapp grant on another store");
        assert.deepEqual(await lastAudit(member.id, 'membership.delete'), { revoked_grants: 2, narrowed_grants: 1 });
        assert.ok(published(onlyHere) && published(webappGrant) && !published(appGrant));
      });

      test('when the membership write fails, the grants keep their stores and stay live (same transaction)', async () => {
        const first = await newStore();
        const second = await newStore();
        const user = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const webapp = await newCredential(first.id);
        const inFirst = await membership(first.id, user.id, 'owner');
        await membership(first.id, (await newUser()).id, 'owner');
        const appGrant = await grant(app, 'app', [first.id, second.id], { type: 'user', id: user.id });
        const onlyFirst = await grant(app, 'app', [first.id], { type: 'user', id: user.id });
        const webappGrant = await grant(webapp, 'webapp', [first.id], { type: 'user', id: user.id });

        await failsInAudit((s) => s.update(ADMIN, 'memberships', first.id, inFirst.id, { role: 'member' }));
        await failsInAudit((s) => s.remove(ADMIN, 'memberships', first.id, inFirst.id));

        assert.deepEqual((await stateOf(appGrant)).storeIds, [first.id, second.id].sort());
        await assertLive(appGrant, 'the app grant');
        assert.deepEqual((await stateOf(onlyFirst)).storeIds, [first.id]);
        await assertLive(onlyFirst, 'the single-store app grant');
        await assertLive(webappGrant, 'the webapp grant');
      });
    });

    describe('deleting a store', () => {
      test("its credentials' grants are revoked, app grants lose the store, other stores' grants stay", async () => {
        const store = await newStore();
        const other = await newStore();
        const user = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const webapp = await newCredential(store.id);
        const channel = await newCredential(store.id, 'sales_channel');
        const otherWebapp = await newCredential(other.id);
        const shopper = await newCustomer(store.id);
        await membership(store.id, user.id, 'owner');
        await membership(other.id, user.id, 'owner');
        const webappGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const customerGrant = await grant(channel, 'sales_channel', [store.id], { type: 'customer', id: shopper.id });
        const appBoth = await grant(app, 'app', [store.id, other.id], { type: 'user', id: user.id });
        const appHere = await grant(app, 'app', [store.id], { type: 'user', id: user.id });
        const otherStoreGrant = await grant(otherWebapp, 'webapp', [other.id], { type: 'user', id: user.id });

        await expectStatus(204, 'DELETE', `/stores/${store.id}`);

        await assertRevoked(webappGrant, 'client_deleted');
        await assertRevoked(customerGrant, 'client_deleted');
        await assertRevoked(appHere, 'role_lost');
        const state = await stateOf(appBoth);
        assert.equal(state.revokedAt, null);
        assert.deepEqual(state.storeIds, [other.id]);
        await assertLive(otherStoreGrant, "another store's grant");
        assert.deepEqual(await lastAudit(store.id, 'store.delete'), { revoked_grants: 3, narrowed_grants: 1 });
        assert.ok(published(webappGrant) && published(customerGrant) && published(appHere));
      });

      test('when the delete fails, every grant stays as it was (same transaction)', async () => {
        const store = await newStore();
        const other = await newStore();
        const user = await newUser();
        const developer = await newUser();
        const app = await newApp(developer.id);
        const webapp = await newCredential(store.id);
        const webappGrant = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
        const appBoth = await grant(app, 'app', [store.id, other.id], { type: 'user', id: user.id });

        await failsInAudit((s) => s.remove(ADMIN, 'stores', undefined, store.id));

        await assertLive(webappGrant, 'the store was not deleted');
        await assertLive(appBoth, 'the app grant');
        assert.deepEqual((await stateOf(appBoth)).storeIds, [store.id, other.id].sort());
        const res = await t.app.inject({
          method: 'GET',
          url: `/provisioning/v1/stores/${store.id}/credentials/${webapp.id}`,
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        assert.equal(res.statusCode, 200, 'the store and its credentials are all still there');
      });
    });

    test('a revoked grant is not revoked again: its first reason and time stay', async () => {
      const store = await newStore();
      const webapp = await newCredential(store.id);
      const user = await newUser();
      const granted = await grant(webapp, 'webapp', [store.id], { type: 'user', id: user.id });
      await expectStatus(200, 'PATCH', `/users/${user.id}`, { password: 'a new password' });
      const first = await stateOf(granted);
      assert.equal(first.reason, 'password_changed');

      t.clock.advance(60);
      const before = changes.length;
      await expectStatus(204, 'DELETE', `/stores/${store.id}/credentials/${webapp.id}`);

      assert.deepEqual(await stateOf(granted), first);
      assert.equal('revoked_grants' in (await lastAudit(webapp.id, 'credential.delete')), false);
      assert.ok(!changes.slice(before).some((c) => c.collection === 'grants'));
    });
  });
}
