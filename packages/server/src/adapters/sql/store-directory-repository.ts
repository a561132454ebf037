import type { Kysely } from 'kysely';
import type { StoreDirectory } from '../../core/ports/store-directory';
import type { Database } from './database-schema';

export function storeDirectoryRepository(db: Kysely<Database>): StoreDirectory {
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
      return db
        .selectFrom('memberships')
        .innerJoin('stores', 'stores.id', 'memberships.store_id')
        .select(['stores.id', 'stores.slug', 'stores.name'])
        .where('memberships.user_id', '=', userId)
        .where('memberships.role', 'in', ['owner', 'admin'])
        .orderBy('stores.name')
        .execute();
    },
  };
}
