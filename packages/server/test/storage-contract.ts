import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../src/adapters/sql/open-storage';
import { provisioningRepository } from '../src/adapters/sql/provisioning-repository';
import { signingKeyRepository } from '../src/adapters/sql/signing-key-repository';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { ChangeHub } from '../src/core/change-hub';
import { RecordConflictError, RecordNotFoundError, RecordValidationError } from '../src/core/errors/record-errors';
import type { RecordChange } from '../src/core/model/record-change';
import type { ProvisioningStore } from '../src/core/ports/provisioning-store';
import type { StoredSigningKey } from '../src/core/ports/signing-key-store';
import type { ProvisioningActor } from '../src/core/provisioning/provisioning-actor';
import { provisioningCollections } from '../src/core/provisioning/provisioning-collections';
import { ProvisioningService } from '../src/core/provisioning/provisioning-service';
import { SecretHasher } from '../src/core/secrets/secret-hasher';
import { TestClock } from './support/test-clock';

const ADMIN: ProvisioningActor = { kind: 'admin' };
const OVERLAP_SECONDS = 3600;

/** Outcome of ten concurrent attempts: exactly one must win, the rest must be clean conflicts. */
async function race(attempt: () => Promise<unknown>): Promise<{ wins: number; conflicts: number; others: unknown[] }> {
  const results = await Promise.allSettled(Array.from({ length: 10 }, attempt));
  const others: unknown[] = [];
  let wins = 0;
  let conflicts = 0;
  for (const r of results) {
    if (r.status === 'fulfilled') wins += 1;
    else if (r.reason instanceof RecordConflictError) conflicts += 1;
    else others.push(r.reason);
  }
  return { wins, conflicts, others };
}

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * Every storage test, run once per database (storage-contract.sqlite.test.ts, ...postgres.test.ts):
 * the same repositories must behave the same on both, including under real concurrency.
 */
export function storageContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let repo: ProvisioningStore;
    let service: ProvisioningService;
    let hasher: SecretHasher;
    const clock = new TestClock();
    const changes: RecordChange[] = [];

    before(async () => {
      storage = await open();
      repo = provisioningRepository(storage.db, storage.dialect);
      hasher = new SecretHasher(randomBytes(32));
      const hub = new ChangeHub();
      hub.subscribe((c) => changes.push(c));
      service = new ProvisioningService({
        store: repo,
        clock,
        random: cryptoRandom,
        secretHasher: hasher,
        changes: hub,
        policy: { env: 'test', tokenLifetimeMin: 7200, tokenLifetimeMax: 31536000, secretOverlap: OVERLAP_SECONDS },
        // scrypt is tested through the HTTP suite; here it would only slow the races down.
        hashPassword: async (password) => `test-hash:${password.length}`,
      });
    });
    after(() => storage.close());

    const newStore = async () =>
      (await service.create(ADMIN, 'stores', undefined, { slug: unique('s'), name: 'Store', currency: 'EUR' })).record.id;
    const auditCount = async () =>
      Number(
        (
          await storage.db
            .selectFrom('audit_entries')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('a record reads back as written, lists oldest first, updates and deletes', async () => {
      const storeId = await newStore();
      const a = (await service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'a', name: 'A' })).record;
      clock.advance(1);
      const b = (await service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'b', name: 'B' })).record;
      assert.deepEqual(await service.read(ADMIN, 'stock_locations', storeId, a.id), a);
      assert.deepEqual(
        (await service.list(ADMIN, 'stock_locations', storeId)).map((r) => r.code),
        ['a', 'b'],
      );
      clock.advance(1);
      const renamed = await service.update(ADMIN, 'stock_locations', storeId, b.id, { name: 'Bee' });
      assert.equal(renamed.name, 'Bee');
      assert.equal(renamed.created_at, b.created_at);
      assert.notEqual(renamed.updated_at, b.updated_at);
      await service.remove(ADMIN, 'stock_locations', storeId, a.id);
      await assert.rejects(service.read(ADMIN, 'stock_locations', storeId, a.id), RecordNotFoundError);
      assert.deepEqual(changes.at(-1), { collection: 'stock_locations', id: a.id });
    });

    test("a market's stock locations keep their order, and an update replaces them", async () => {
      const storeId = await newStore();
      const loc = async (code: string) =>
        (await service.create(ADMIN, 'stock_locations', storeId, { mode: 'live', code, name: code })).record.id;
      const [x, y, z] = [await loc('x'), await loc('y'), await loc('z')];
      const priceList = (await service.create(ADMIN, 'price_lists', storeId, { mode: 'live', code: 'p', name: 'P', currency: 'EUR' }))
        .record.id;
      const market = (
        await service.create(ADMIN, 'markets', storeId, {
          mode: 'live',
          code: 'm',
          name: 'M',
          price_list_id: priceList,
          stock_location_ids: [z, x, y],
        })
      ).record;
      assert.deepEqual(market.stock_location_ids, [z, x, y]);
      assert.equal(market.active, true);
      const updated = await service.update(ADMIN, 'markets', storeId, market.id, { stock_location_ids: [y, z], active: false });
      assert.deepEqual(updated.stock_location_ids, [y, z]);
      assert.equal(updated.active, false);
      const [listed] = await service.list(ADMIN, 'markets', storeId);
      assert.deepEqual(listed?.stock_location_ids, [y, z]);
    });

    describe('races: ten concurrent writes of one unique key, one wins and nine get a clean conflict', () => {
      const cases: [string, () => Promise<() => Promise<unknown>>][] = [
        [
          'store slug',
          async () => {
            const slug = unique('race');
            return () => service.create(ADMIN, 'stores', undefined, { slug, name: 'Race', currency: 'EUR' });
          },
        ],
        [
          'stock location code per store and mode',
          async () => {
            const storeId = await newStore();
            return () => service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'same', name: 'Same' });
          },
        ],
        [
          'customer email per store and mode',
          async () => {
            const storeId = await newStore();
            return () => service.create(ADMIN, 'customers', storeId, { mode: 'live', email: 'Race@Example.com', password: 'password-1' });
          },
        ],
        [
          'user email',
          async () => {
            const email = `${unique('race')}@example.com`;
            return () => service.create(ADMIN, 'users', undefined, { email, password: 'password-1', name: 'Racer' });
          },
        ],
        [
          'membership per store and user',
          async () => {
            const storeId = await newStore();
            const user = await service.create(ADMIN, 'users', undefined, {
              email: `${unique('m')}@example.com`,
              password: 'password-1',
              name: 'M',
            });
            return () => service.create(ADMIN, 'memberships', storeId, { user_id: user.record.id, role: 'member' });
          },
        ],
        [
          'price per SKU and price list',
          async () => {
            const storeId = await newStore();
            const sku = await service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 'sku', name: 'SKU' });
            const list = await service.create(ADMIN, 'price_lists', storeId, { mode: 'test', code: 'l', name: 'L', currency: 'EUR' });
            return () =>
              service.create(ADMIN, 'prices', storeId, {
                mode: 'test',
                sku_id: sku.record.id,
                price_list_id: list.record.id,
                amount_cents: 100,
              });
          },
        ],
        [
          'stock item per SKU and stock location',
          async () => {
            const storeId = await newStore();
            const sku = await service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 'sku', name: 'SKU' });
            const loc = await service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'l', name: 'L' });
            return () =>
              service.create(ADMIN, 'stock_items', storeId, {
                mode: 'test',
                sku_id: sku.record.id,
                stock_location_id: loc.record.id,
                quantity: 1,
              });
          },
        ],
      ];
      for (const [key, setup] of cases) {
        test(key, async () => {
          const attempt = await setup();
          const before = await auditCount();
          const { wins, conflicts, others } = await race(attempt);
          assert.deepEqual(others, [], 'only RecordConflictError may be thrown');
          assert.equal(wins, 1);
          assert.equal(conflicts, 9);
          assert.equal(await auditCount(), before + 1, 'only the winner wrote an audit entry');
        });
      }
    });

    test('ten concurrent inserts of a current signing key: exactly one is stored', async () => {
      const keys = signingKeyRepository(storage.db);
      // A previous test (or first start) may hold the current key; clear the way for the race.
      await storage.db.deleteFrom('signing_keys').execute();
      const key = (i: number): StoredSigningKey => ({
        kid: `race-${i}-${randomBytes(4).toString('hex')}`,
        alg: 'ES256',
        status: 'current',
        publicJwk: { kty: 'EC' },
        privateJwkEncrypted: 'encrypted',
        createdAt: clock.now(),
        activatedAt: clock.now(),
        retiredAt: null,
        publishUntil: null,
      });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => keys.insert(key(i))));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await keys.listPublishable(clock.now())).filter((k) => k.status === 'current').length, 1);
    });

    test('the same code is free in the other mode and in another store', async () => {
      const [one, two] = [await newStore(), await newStore()];
      await service.create(ADMIN, 'skus', one, { mode: 'test', code: 'shared', name: 'x' });
      await service.create(ADMIN, 'skus', one, { mode: 'live', code: 'shared', name: 'x' });
      await service.create(ADMIN, 'skus', two, { mode: 'test', code: 'shared', name: 'x' });
      await assert.rejects(service.create(ADMIN, 'skus', two, { mode: 'test', code: 'shared', name: 'x' }), RecordConflictError);
    });

    test('isolation between modes: a test record is invisible to a live-mode token, by id and in lists', async () => {
      const storeId = await newStore();
      const testSku = (await service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 't', name: 'T' })).record;
      const liveSku = (await service.create(ADMIN, 'skus', storeId, { mode: 'live', code: 'l', name: 'L' })).record;
      const live: ProvisioningActor = { kind: 'store', storeId, mode: 'live', clientId: 'live-client' };
      await assert.rejects(service.read(live, 'skus', storeId, testSku.id), RecordNotFoundError);
      await assert.rejects(service.update(live, 'skus', storeId, testSku.id, { name: 'hijacked' }), RecordNotFoundError);
      await assert.rejects(service.remove(live, 'skus', storeId, testSku.id), RecordNotFoundError);
      assert.deepEqual(
        (await service.list(live, 'skus', storeId)).map((r) => r.id),
        [liveSku.id],
      );
      assert.deepEqual(await service.list(live, 'skus', storeId, 'test'), []);
      assert.equal(await repo.find(provisioningCollections.skus.table, testSku.id, { storeId, mode: 'live' }), null);
      assert.deepEqual(
        (await service.list(ADMIN, 'skus', storeId, 'test')).map((r) => r.id),
        [testSku.id],
      );
    });

    test("isolation between stores: a store's records are invisible through another store", async () => {
      const [one, two] = [await newStore(), await newStore()];
      const group = (await service.create(ADMIN, 'customer_groups', one, { mode: 'test', name: 'G' })).record;
      await assert.rejects(service.read(ADMIN, 'customer_groups', two, group.id), RecordNotFoundError);
      await assert.rejects(service.remove(ADMIN, 'customer_groups', two, group.id), RecordNotFoundError);
      assert.deepEqual(await service.list(ADMIN, 'customer_groups', two), []);
      assert.equal(await repo.find(provisioningCollections.customer_groups.table, group.id, { storeId: two }), null);
      assert.ok(await repo.find(provisioningCollections.customer_groups.table, group.id, { storeId: one }));
    });

    test('a reference to another store or the other mode is refused with a pointer to the field', async () => {
      const [one, two] = [await newStore(), await newStore()];
      const otherStoreList = (await service.create(ADMIN, 'price_lists', two, { mode: 'test', code: 'p', name: 'P', currency: 'EUR' }))
        .record.id;
      const liveLocation = (await service.create(ADMIN, 'stock_locations', one, { mode: 'live', code: 'l', name: 'L' })).record.id;
      const testLocation = (await service.create(ADMIN, 'stock_locations', one, { mode: 'test', code: 't', name: 'T' })).record.id;
      const error = await service
        .create(ADMIN, 'markets', one, {
          mode: 'test',
          code: 'm',
          name: 'M',
          price_list_id: otherStoreList,
          stock_location_ids: [testLocation, liveLocation],
        })
        .then(
          () => assert.fail('accepted'),
          (e: unknown) => e,
        );
      assert.ok(error instanceof RecordValidationError);
      assert.deepEqual(error.problems.map((p) => ('pointer' in p ? p.pointer : p.parameter)).sort(), [
        '/price_list_id',
        '/stock_location_ids/1',
      ]);
    });

    test('deleting a record that is still referenced is a conflict and leaves everything in place', async () => {
      const storeId = await newStore();
      const list = (await service.create(ADMIN, 'price_lists', storeId, { mode: 'test', code: 'p', name: 'P', currency: 'EUR' })).record.id;
      const loc = (await service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'l', name: 'L' })).record.id;
      await service.create(ADMIN, 'markets', storeId, {
        mode: 'test',
        code: 'm',
        name: 'M',
        price_list_id: list,
        stock_location_ids: [loc],
      });
      const before = await auditCount();
      await assert.rejects(service.remove(ADMIN, 'price_lists', storeId, list), RecordConflictError);
      await assert.rejects(service.remove(ADMIN, 'stock_locations', storeId, loc), RecordConflictError);
      assert.equal(await auditCount(), before, 'a failed delete writes no audit entry');
      assert.ok(await repo.find(provisioningCollections.price_lists.table, list, { storeId }));
      assert.ok(await repo.find(provisioningCollections.stock_locations.table, loc, { storeId }));
    });

    test('deleting a store removes all of its records', async () => {
      const storeId = await newStore();
      const list = (await service.create(ADMIN, 'price_lists', storeId, { mode: 'test', code: 'p', name: 'P', currency: 'EUR' })).record.id;
      const loc = (await service.create(ADMIN, 'stock_locations', storeId, { mode: 'test', code: 'l', name: 'L' })).record.id;
      const sku = (await service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 's', name: 'S' })).record.id;
      await service.create(ADMIN, 'markets', storeId, {
        mode: 'test',
        code: 'm',
        name: 'M',
        price_list_id: list,
        stock_location_ids: [loc],
      });
      await service.create(ADMIN, 'prices', storeId, { mode: 'test', sku_id: sku, price_list_id: list, amount_cents: 5 });
      await service.create(ADMIN, 'stock_items', storeId, { mode: 'test', sku_id: sku, stock_location_id: loc, quantity: 5 });
      await service.create(ADMIN, 'credentials', storeId, { mode: 'test', kind: 'sales_channel', name: 'SC' });
      await service.remove(ADMIN, 'stores', undefined, storeId);
      for (const table of ['markets', 'price_lists', 'stock_locations', 'skus', 'prices', 'stock_items', 'credentials'] as const) {
        const rows = await storage.db.selectFrom(table).select('id').where('store_id', '=', storeId).execute();
        assert.equal(rows.length, 0, `${table} rows survived their store`);
      }
      await assert.rejects(service.list(ADMIN, 'markets', storeId), RecordNotFoundError);
    });

    test('a write that fails inside its transaction leaves no record and no audit entry', async () => {
      const storeId = await newStore();
      const before = await auditCount();
      await assert.rejects(
        repo.transaction(async (tx) => {
          await tx.insert(provisioningCollections.skus.table, {
            id: 'doomed-sku',
            store_id: storeId,
            mode: 'test',
            code: 'doomed',
            name: 'Doomed',
            created_at: 'x',
            updated_at: 'x',
          });
          await tx.audit({ storeId, actor: 'test', action: 'sku.create', targetType: 'sku', targetId: 'doomed-sku', details: {}, at: 'x' });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await repo.find(provisioningCollections.skus.table, 'doomed-sku', {}), null);
      assert.equal(await auditCount(), before);

      // The same through the service: the unique violation comes after the reference checks.
      await service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 'dup', name: 'One' });
      const afterFirst = await auditCount();
      await assert.rejects(service.create(ADMIN, 'skus', storeId, { mode: 'test', code: 'dup', name: 'Two' }), RecordConflictError);
      assert.equal(await auditCount(), afterFirst);
      assert.equal((await service.list(ADMIN, 'skus', storeId)).length, 1);
    });

    test('every write commits its audit entry, without secrets or passwords', async () => {
      const storeId = await newStore();
      const created = await service.create(ADMIN, 'credentials', storeId, { mode: 'test', kind: 'integration', name: 'I' });
      const customer = await service.create(ADMIN, 'customers', storeId, {
        mode: 'test',
        email: 'a@example.com',
        password: 'secret-password',
      });
      await service.update(ADMIN, 'customers', storeId, customer.record.id, { password: 'another-password' });
      const rotated = await service.rotateSecret(ADMIN, 'credentials', storeId, created.record.id);
      const rows = await storage.db.selectFrom('audit_entries').selectAll().where('store_id', '=', storeId).orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor, r.target_type]),
        [
          ['store.create', 'admin', 'store'],
          ['credential.create', 'admin', 'credential'],
          ['customer.create', 'admin', 'customer'],
          ['customer.update', 'admin', 'customer'],
          ['credential.rotate_secret', 'admin', 'credential'],
        ],
      );
      const all = JSON.stringify(rows);
      for (const secret of [created.secret, rotated.clientSecret, 'secret-password', 'another-password', 'test-hash', 'hmac-sha256$']) {
        assert.ok(!all.includes(secret as string), `the audit log holds ${secret}`);
      }
    });

    test('rotating a secret keeps the old hash as the previous one until now + overlap', async () => {
      const storeId = await newStore();
      const created = await service.create(ADMIN, 'credentials', storeId, {
        mode: 'live',
        kind: 'webapp',
        name: 'W',
        redirect_uris: ['https://a.example/cb'],
      });
      const rotated = await service.rotateSecret(ADMIN, 'credentials', storeId, created.record.id);
      const row = await storage.db.selectFrom('credentials').selectAll().where('id', '=', created.record.id).executeTakeFirstOrThrow();
      assert.equal(row.secret_hash, hasher.hash(rotated.clientSecret));
      assert.equal(row.previous_secret_hash, hasher.hash(created.secret as string));
      assert.equal(row.previous_secret_expires_at, new Date(clock.now() + OVERLAP_SECONDS * 1000).toISOString());
      assert.equal(rotated.previousSecretExpiresAt, row.previous_secret_expires_at);
      const sales = await service.create(ADMIN, 'credentials', storeId, { mode: 'live', kind: 'sales_channel', name: 'SC' });
      await assert.rejects(service.rotateSecret(ADMIN, 'credentials', storeId, sales.record.id), RecordConflictError);
    });
  });
}
