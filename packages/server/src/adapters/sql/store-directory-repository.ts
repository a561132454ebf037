import type { Kysely } from 'kysely';
import type { StoreDirectory } from '../../core/ports/store-directory';
import type { Database } from './database-schema';

export function storeDirectoryRepository(db: Kysely<Database>): StoreDirectory {
  /** The stores where the user has a role, by name. */
  const storesOfMember = (userId: string) =>
    db
      .selectFrom('memberships')
      .innerJoin('stores', 'stores.id', 'memberships.store_id')
      .where('memberships.user_id', '=', userId)
      .orderBy('stores.name');

  return {
    async findStores(ids) {
      if (ids.length === 0) return [];
      return db
        .selectFrom('stores')
        .select(['id', 'slug', 'name'])
        .where('id', 'in', [...ids])
        .orderBy('name')
        .execute();
    },
    async storesManagedBy(userId) {
      return storesOfMember(userId)
        .select(['stores.id', 'stores.slug', 'stores.name'])
        .where('memberships.role', 'in', ['owner', 'admin'])
        .execute();
    },
    async membershipsOf(userId) {
      return storesOfMember(userId).select(['stores.id', 'stores.slug', 'stores.name', 'memberships.role']).execute();
    },
  };
}
