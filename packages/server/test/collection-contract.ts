import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../src/adapters/sql/open-storage';
import { provisioningRepository } from '../src/adapters/sql/provisioning-repository';
import { cryptoRandom } from '../src/adapters/system/crypto-random';
import { ChangeHub } from '../src/core/change-hub';
import { RecordConflictError, RecordNotFoundError } from '../src/core/errors/record-errors';
import type { CollectionName } from '../src/core/model/collection-name';
import type { ProvisioningActor } from '../src/core/provisioning/provisioning-actor';
import { provisioningCollections } from '../src/core/provisioning/provisioning-collections';
import { ProvisioningService } from '../src/core/provisioning/provisioning-service';
import { SecretHasher } from '../src/core/secrets/secret-hasher';
import { TestClock } from './support/test-clock';

const ADMIN: ProvisioningActor = { kind: 'admin' };
const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
type Body = Record<string, unknown>;

/** What the suite needs of a store to create a record of any collection in it. */
interface StoreWorld {
  readonly storeId: string;
  readonly userId: string;
  readonly priceListId: string;
  readonly stockLocationId: string;
  readonly skuId: string;
}

/**
 * How to make a valid record of each collection (every definition must have one here, which the
 * suite checks): its create body, a patch, and, where the collection has a unique key, a body that
 * collides with the first.
 */
interface Example {
  create(world: StoreWorld): Body;
  patch: Body;
  /** A second create that takes the first one's unique key; none where ids are the only key. */
  duplicate?: (first: Body, world: StoreWorld) => Body;
}

const examples: Record<CollectionName, Example> = {
  stores: {
    create: () => ({ slug: unique('s'), name: 'Store', currency: 'EUR' }),
    patch: { name: 'Renamed' },
    duplicate: (b) => ({ ...b }),
  },
  stock_locations: {
    create: () => ({ mode: 'test', code: unique('wh'), name: 'Warehouse' }),
    patch: { name: 'Renamed' },
    duplicate: (b) => ({ ...b }),
  },
  price_lists: {
    create: () => ({ mode: 'test', code: unique('pl'), name: 'Prices', currency: 'EUR' }),
    patch: { name: 'Renamed' },
    duplicate: (b) => ({ ...b }),
  },
  customer_groups: { create: () => ({ mode: 'test', name: 'Group' }), patch: { name: 'Renamed' } },
  markets: {
    create: (w) => ({
      mode: 'test',
      code: unique('m'),
      name: 'Market',
      active: true,
      price_list_id: w.priceListId,
      stock_location_ids: [w.stockLocationId],
    }),
    patch: { name: 'Renamed', active: false },
    duplicate: (b) => ({ ...b }),
  },
  customers: {
    create: () => ({ mode: 'test', email: `${unique('c')}@example.com`, password: 'a customer password' }),
    patch: { password: 'another password' },
    duplicate: (b) => ({ ...b }),
  },
  users: {
    create: () => ({ email: `${unique('u')}@example.com`, password: 'a user password', name: 'User' }),
    patch: { name: 'Renamed' },
    duplicate: (b) => ({ ...b, name: 'Other' }),
  },
  memberships: {
    create: (w) => ({ user_id: w.userId, role: 'admin' }),
    patch: { role: 'member' },
    duplicate: (b) => ({ ...b, role: 'member' }),
  },
  credentials: { create: () => ({ mode: 'test', kind: 'integration', name: 'ERP', scopes: ['stores.view'] }), patch: { name: 'Renamed' } },
  apps: {
    create: (w) => ({
      owner_user_id: w.userId,
      name: 'App',
      homepage: 'https://app.example',
      redirect_uris: ['https://app.example/cb'],
      scopes: ['stores.view'],
    }),
    patch: { name: 'Renamed' },
  },
  skus: { create: () => ({ mode: 'test', code: unique('sku'), name: 'SKU' }), patch: { name: 'Renamed' }, duplicate: (b) => ({ ...b }) },
  prices: {
    // A SKU of its own per price: the pair (SKU, price list) is the unique key.
    create: (w) => ({ mode: 'test', sku_id: w.skuId, price_list_id: w.priceListId, amount_cents: 1000 }),
    patch: { amount_cents: 1200 },
    duplicate: (b) => ({ ...b, amount_cents: 1 }),
  },
  stock_items: {
    create: (w) => ({ mode: 'test', sku_id: w.skuId, stock_location_id: w.stockLocationId, quantity: 3 }),
    patch: { quantity: 4 },
    duplicate: (b) => ({ ...b, quantity: 1 }),
  },
};

/** Values that must never appear in an audit entry: passwords, secrets, hashes. */
const SECRET_FIELDS = ['password', 'password_hash', 'secret_hash', 'previous_secret_hash', 'client_secret'];

/**
 * One contract, run over every collection definition on each database (collection-contract.*.test.ts):
 * create, read, list, update, delete, a unique conflict, isolation by store and by mode, and audit
 * entries that never carry a secret. A new collection gets all of it by adding its example.
 */
export function collectionContract(name: string, open: () => Promise<Storage>): void {
  describe(`collection contract: ${name}`, () => {
    let storage: Storage;
    let service: ProvisioningService;
    const clock = new TestClock();

    before(async () => {
      storage = await open();
      service = new ProvisioningService({
        store: provisioningRepository(storage.db, storage.dialect),
        clock,
        random: cryptoRandom,
        secretHasher: new SecretHasher(randomBytes(32)),
        changes: new ChangeHub(),
        policy: { env: 'test', tokenLifetimeMin: 7200, tokenLifetimeMax: 31536000, secretOverlap: 3600 },
        hashPassword: async (password) => `test-hash:${password.length}`,
      });
    });
    after(() => storage.close());

    /** A store with one of everything the examples refer to; a fresh SKU each time (prices and stock items key on it). */
    async function newWorld(): Promise<StoreWorld> {
      const create = async (collection: CollectionName, storeId: string | undefined, body: Body) =>
        (await service.create(ADMIN, collection, storeId, body)).record.id;
      const storeId = await create('stores', undefined, examples.stores.create({} as StoreWorld));
      const userId = await create('users', undefined, examples.users.create({} as StoreWorld));
      return {
        storeId,
        userId,
        priceListId: await create('price_lists', storeId, examples.price_lists.create({} as StoreWorld)),
        stockLocationId: await create('stock_locations', storeId, examples.stock_locations.create({} as StoreWorld)),
        skuId: await create('skus', storeId, examples.skus.create({} as StoreWorld)),
      };
    }
    const storeOf = (collection: CollectionName, world: StoreWorld) =>
      provisioningCollections[collection].scope === 'global' ? undefined : world.storeId;
    const auditOf = async (targetId: string) =>
      (
        await storage.db.selectFrom('audit_entries').select(['action', 'details']).where('target_id', '=', targetId).orderBy('id').execute()
      ).map((row) => ({ action: row.action, details: JSON.parse(row.details) as Record<string, unknown> }));

    test('every collection definition has an example here', () => {
      assert.deepEqual(Object.keys(examples).sort(), Object.keys(provisioningCollections).sort());
    });

    for (const collection of Object.keys(provisioningCollections) as CollectionName[]) {
      const def = provisioningCollections[collection];
      const example = examples[collection];

      describe(collection, () => {
        test('create, read, list, update, delete', async () => {
          const world = await newWorld();
          const storeId = storeOf(collection, world);
          const created = (await service.create(ADMIN, collection, storeId, example.create(world))).record;
          assert.equal(typeof created.id, 'string');
          assert.deepEqual(await service.read(ADMIN, collection, storeId, created.id), created);
          assert.ok((await service.list(ADMIN, collection, storeId)).some((r) => r.id === created.id));
          const updated = await service.update(ADMIN, collection, storeId, created.id, example.patch);
          for (const [field, value] of Object.entries(example.patch))
            if (field !== 'password') assert.deepEqual(updated[field], value, field);
          await service.remove(ADMIN, collection, storeId, created.id);
          await assert.rejects(service.read(ADMIN, collection, storeId, created.id), RecordNotFoundError);
        });

        test('the record never shows a password, a secret or a hash', async () => {
          const world = await newWorld();
          const created = (await service.create(ADMIN, collection, storeOf(collection, world), example.create(world))).record;
          for (const field of SECRET_FIELDS) assert.equal(field in created, false, field);
        });

        if (example.duplicate) {
          test('its unique key is a 409 conflict, and the first record stays', async () => {
            const world = await newWorld();
            const storeId = storeOf(collection, world);
            const body = example.create(world);
            const first = (await service.create(ADMIN, collection, storeId, body)).record;
            await assert.rejects(service.create(ADMIN, collection, storeId, example.duplicate!(body, world)), RecordConflictError);
            assert.ok(await service.read(ADMIN, collection, storeId, first.id));
          });
        }

        if (def.scope !== 'global') {
          test("another store's record does not exist through this store", async () => {
            const [one, two] = [await newWorld(), await newWorld()];
            const record = (await service.create(ADMIN, collection, one.storeId, example.create(one))).record;
            await assert.rejects(service.read(ADMIN, collection, two.storeId, record.id), RecordNotFoundError);
            await assert.rejects(service.update(ADMIN, collection, two.storeId, record.id, example.patch), RecordNotFoundError);
            await assert.rejects(service.remove(ADMIN, collection, two.storeId, record.id), RecordNotFoundError);
            assert.ok(!(await service.list(ADMIN, collection, two.storeId)).some((r) => r.id === record.id));
          });
        }

        if (def.scope === 'store_mode') {
          test('a record of the other mode does not exist for a mode-bound token', async () => {
            const world = await newWorld();
            const record = (await service.create(ADMIN, collection, world.storeId, example.create(world))).record;
            const live: ProvisioningActor = { kind: 'store', storeId: world.storeId, mode: 'live', clientId: 'live-client' };
            await assert.rejects(service.read(live, collection, world.storeId, record.id), RecordNotFoundError);
            assert.ok(!(await service.list(live, collection, world.storeId)).some((r) => r.id === record.id));
          });
        }

        test('every write is audited, naming what changed and never a secret or a password', async () => {
          const world = await newWorld();
          const storeId = storeOf(collection, world);
          const created = (await service.create(ADMIN, collection, storeId, example.create(world))).record;
          await service.update(ADMIN, collection, storeId, created.id, example.patch);
          await service.remove(ADMIN, collection, storeId, created.id);
          const entries = await auditOf(created.id);
          assert.deepEqual(
            entries.map((e) => e.action),
            [`${def.targetType}.create`, `${def.targetType}.update`, `${def.targetType}.delete`],
          );
          assert.deepEqual(entries[1]?.details.changed, Object.keys(example.patch));
          const text = JSON.stringify(entries);
          // Field names may be listed (`changed: ["password"]`); values never.
          for (const value of [...Object.values(example.create(world)), ...Object.values(example.patch)]) {
            if (typeof value === 'string' && /password/.test(value)) assert.ok(!text.includes(value), 'a password in an audit entry');
          }
          for (const field of ['password_hash', 'secret_hash', 'previous_secret_hash', 'client_secret']) {
            assert.ok(!text.includes(`"${field}"`), `${field} in an audit entry`);
          }
          assert.ok(!text.includes('test-hash:'), 'a password hash in an audit entry');
        });
      });
    }
  });
}
