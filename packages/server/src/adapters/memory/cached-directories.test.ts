import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClock } from '../../../test/support/test-clock';
import { ChangeHub } from '../../core/change-hub';
import type { CollectionName } from '../../core/model/collection-name';
import type { Role } from '../../core/model/role';
import type { ClientDirectory } from '../../core/ports/client-directory';
import type { MarketDirectory } from '../../core/ports/market-directory';
import type { PeopleDirectory } from '../../core/ports/people-directory';
import type { StoreDirectory } from '../../core/ports/store-directory';
import { cachedDirectories, type TokenPathCache } from './cached-directories';

/** A people directory whose answers the test changes, counting the reads that reach it. */
function peopleBehind() {
  const state = {
    role: 'owner' as Role | undefined,
    groupId: 'vip' as string | null,
    userName: 'Ada' as string | undefined,
    roleReads: 0,
    customerReads: 0,
    userReads: 0,
    signInReads: 0,
  };
  const people: PeopleDirectory = {
    findRole: async () => {
      state.roleReads++;
      return state.role;
    },
    findCustomer: async (_store, _mode, id) => {
      state.customerReads++;
      return { id, email: 'c@shop.invalid', passwordHash: 'h', customerGroupId: state.groupId };
    },
    findCustomerByEmail: async () => {
      state.signInReads++;
      return undefined;
    },
    findUser: async (id) => {
      state.userReads++;
      return state.userName === undefined ? undefined : { id, email: 'u@shop.invalid', name: state.userName, passwordHash: 'h' };
    },
    findUserByEmail: async () => {
      state.signInReads++;
      return undefined;
    },
  };
  return { state, people };
}

/** A store directory whose store names and managed stores the test changes, counting reads. */
function storesBehind() {
  const state = { name: 'Shop', managed: ['s1'], reads: 0, dashboardReads: 0 };
  const stores: StoreDirectory = {
    findStores: async (ids) => {
      state.reads++;
      return ids.map((id) => ({ id, slug: id, name: state.name }));
    },
    storesManagedBy: async () => {
      state.reads++;
      return state.managed.map((id) => ({ id, slug: id, name: state.name }));
    },
    membershipsOf: async () => {
      state.dashboardReads++;
      return [];
    },
  };
  return { storeState: state, stores };
}

const noClients: ClientDirectory = { findByClientId: async () => undefined };
const noMarkets: MarketDirectory = { findMarket: async () => undefined, findStockLocation: async () => undefined };

function setUp(ttlSeconds = 300) {
  const clock = new TestClock();
  const changes = new ChangeHub();
  const { state, people } = peopleBehind();
  const { storeState, stores } = storesBehind();
  const lookups: [TokenPathCache, boolean][] = [];
  const cached = cachedDirectories({ clients: noClients, markets: noMarkets, people, stores }, changes, clock, ttlSeconds, (cache, hit) =>
    lookups.push([cache, hit]),
  );
  return { clock, changes, state, storeState, people: cached.people, stores: cached.stores, lookups };
}

describe("the token path's people caches (SPEC §2's rules re-checked on refresh, SPEC §4's invalidation)", () => {
  test('a role is read once, then from memory until the TTL passes', async () => {
    const { clock, state, people, lookups } = setUp(5);
    assert.equal(await people.findRole('s1', 'u1'), 'owner');
    assert.equal(await people.findRole('s1', 'u1'), 'owner');
    assert.equal(state.roleReads, 1);
    assert.deepEqual(lookups, [
      ['roles', false],
      ['roles', true],
    ]);
    state.role = 'member';
    clock.advance(6);
    assert.equal(await people.findRole('s1', 'u1'), 'member');
    assert.equal(state.roleReads, 2);
  });

  for (const collection of ['memberships', 'users', 'stores', 'customers'] as const satisfies readonly CollectionName[]) {
    test(`a committed write to ${collection} drops every cached role, customer, user and store at once`, async () => {
      const { changes, state, storeState, people, stores } = setUp();
      await people.findRole('s1', 'u1');
      await people.findCustomer('s1', 'test', 'c1');
      await people.findUser('u1');
      await stores.storesManagedBy('u1');
      await stores.findStores(['s1']);
      state.role = undefined;
      state.groupId = null;
      state.userName = undefined;
      storeState.managed = [];
      storeState.name = 'Renamed';
      changes.deliver({ collection, id: 'x' });
      assert.equal(await people.findRole('s1', 'u1'), undefined, 'a lost role must not be answered from memory');
      assert.equal((await people.findCustomer('s1', 'test', 'c1'))?.customerGroupId, null);
      assert.equal(await people.findUser('u1'), undefined, 'a deleted user must not be answered from memory');
      assert.deepEqual(await stores.storesManagedBy('u1'), [], 'stores no longer managed must not be answered from memory');
      assert.equal((await stores.findStores(['s1']))[0]?.name, 'Renamed');
      assert.deepEqual([state.roleReads, state.customerReads, state.userReads, storeState.reads], [2, 2, 2, 4]);
    });
  }

  test('writes to other collections leave them cached', async () => {
    const { changes, state, people } = setUp();
    await people.findRole('s1', 'u1');
    for (const collection of ['markets', 'credentials', 'skus', 'grants'] as const) changes.deliver({ collection, id: 'x' });
    await people.findRole('s1', 'u1');
    assert.equal(state.roleReads, 1);
  });

  test('a read that began before a write committed does not outlive it in the cache', async () => {
    const { changes, state, people } = setUp();
    const before = people.findRole('s1', 'u1');
    state.role = 'member';
    changes.deliver({ collection: 'memberships', id: 'x' });
    await before;
    assert.equal(await people.findRole('s1', 'u1'), 'member');
  });

  test('stores are cached by their ids and by the user who manages them; the dashboard reads fresh', async () => {
    const { storeState, stores, lookups } = setUp();
    await stores.findStores(['s1', 's2']);
    await stores.findStores(['s1', 's2']);
    await stores.findStores(['s2']);
    await stores.storesManagedBy('u1');
    await stores.storesManagedBy('u1');
    assert.equal(storeState.reads, 3);
    assert.deepEqual(
      lookups.map(([, hit]) => hit),
      [false, true, false, false, true],
    );
    await stores.membershipsOf('u1');
    await stores.membershipsOf('u1');
    assert.equal(storeState.dashboardReads, 2);
  });

  test('a staff member is read by id once, then from memory until the TTL passes', async () => {
    const { clock, state, people, lookups } = setUp(5);
    assert.equal((await people.findUser('u1'))?.name, 'Ada');
    assert.equal((await people.findUser('u1'))?.name, 'Ada');
    assert.equal(state.userReads, 1);
    assert.deepEqual(
      lookups.filter(([cache]) => cache === 'users').map(([, hit]) => hit),
      [false, true],
    );
    state.userName = 'Ada L.';
    clock.advance(6);
    assert.equal((await people.findUser('u1'))?.name, 'Ada L.');
    assert.equal(state.userReads, 2);
  });

  test('sign-in reads (by email, with the password hash) always reach the database', async () => {
    const { state, people } = setUp();
    await people.findUserByEmail('a@b.invalid');
    await people.findUserByEmail('a@b.invalid');
    await people.findCustomerByEmail('s1', 'test', 'a@b.invalid');
    assert.equal(state.signInReads, 3);
  });

  test('a TTL of 0 turns them off', async () => {
    const { state, people } = setUp(0);
    await people.findRole('s1', 'u1');
    await people.findRole('s1', 'u1');
    assert.equal(state.roleReads, 2);
  });
});
