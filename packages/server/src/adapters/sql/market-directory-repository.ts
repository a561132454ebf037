import type { Kysely } from 'kysely';
import type { MarketDirectory } from '../../core/ports/market-directory';
import type { Database } from './database-schema';

/** Reads markets (with their ordered stock locations) and stock locations for restriction scopes. */
export function marketDirectoryRepository(db: Kysely<Database>): MarketDirectory {
  return {
    async findMarket(storeId, mode, ref) {
      const market = await db
        .selectFrom('markets')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('mode', '=', mode)
        .where(ref.by, '=', ref.value)
        .executeTakeFirst();
      if (!market) return undefined;
      const locations = await db
        .selectFrom('market_stock_locations')
        .select('stock_location_id')
        .where('market_id', '=', market.id)
        .orderBy('position')
        .execute();
      return {
        id: market.id,
        code: market.code,
        active: market.active === 1,
        priceListId: market.price_list_id,
        customerGroupId: market.customer_group_id,
        stockLocationIds: locations.map((l) => l.stock_location_id),
      };
    },

    async findStockLocation(storeId, mode, ref) {
      return db
        .selectFrom('stock_locations')
        .select(['id', 'code'])
        .where('store_id', '=', storeId)
        .where('mode', '=', mode)
        .where(ref.by, '=', ref.value)
        .executeTakeFirst();
    },
  };
}
