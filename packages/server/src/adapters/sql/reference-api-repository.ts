import type { Kysely } from 'kysely';
import type { Mode } from '../../core/model/mode';
import type { MarketRecord, ReferenceApiRecords, SellableIn, SkuRecord, StoreRecord } from '../../reference-api/reference-api-records';
import type { Database } from './database-schema';

/**
 * Reads for the reference commerce API (SPEC §6). Every list is bounded by the stores and the mode the
 * caller passes, which come from a verified token: records of another store or mode never leave here.
 */
export function referenceApiRepository(db: Kysely<Database>): ReferenceApiRecords {
  return {
    async findStore(id: string): Promise<StoreRecord | undefined> {
      const row = await db.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
      return (
        row && { id: row.id, slug: row.slug, name: row.name, currency: row.currency, createdAt: row.created_at, updatedAt: row.updated_at }
      );
    },

    async listStores(ids: readonly string[]): Promise<StoreRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('stores')
        .selectAll()
        .where('id', 'in', [...ids])
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        slug: row.slug,
        name: row.name,
        currency: row.currency,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }));
    },

    async listMarkets(storeIds: readonly string[], mode: Mode): Promise<MarketRecord[]> {
      if (storeIds.length === 0) return [];
      const rows = await db
        .selectFrom('markets')
        .selectAll()
        .where('store_id', 'in', [...storeIds])
        .where('mode', '=', mode)
        .orderBy('code')
        .orderBy('id')
        .execute();
      if (rows.length === 0) return [];
      const links = await db
        .selectFrom('market_stock_locations')
        .select(['market_id', 'stock_location_id'])
        .where(
          'market_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('position')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        storeId: row.store_id,
        code: row.code,
        name: row.name,
        active: row.active === 1,
        priceListId: row.price_list_id,
        customerGroupId: row.customer_group_id,
        stockLocationIds: links.filter((l) => l.market_id === row.id).map((l) => l.stock_location_id),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }));
    },

    /**
     * SKUs of the stores in the mode; with `sellableIn`, only those with a price in its price list and
     * a stock item (of any quantity, 0 included) in one of its stock locations.
     */
    async listSkus(storeIds: readonly string[], mode: Mode, sellableIn?: SellableIn): Promise<SkuRecord[]> {
      if (storeIds.length === 0) return [];
      if (sellableIn && sellableIn.stockLocationIds.length === 0) return [];
      let query = db
        .selectFrom('skus')
        .selectAll('skus')
        .where('skus.store_id', 'in', [...storeIds])
        .where('skus.mode', '=', mode);
      if (sellableIn) {
        query = query
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('prices')
                .select('prices.id')
                .whereRef('prices.sku_id', '=', 'skus.id')
                .where('prices.mode', '=', mode)
                .where('prices.price_list_id', '=', sellableIn.priceListId),
            ),
          )
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('stock_items')
                .select('stock_items.id')
                .whereRef('stock_items.sku_id', '=', 'skus.id')
                .where('stock_items.mode', '=', mode)
                .where('stock_items.stock_location_id', 'in', [...sellableIn.stockLocationIds]),
            ),
          );
      }
      const rows = await query.orderBy('skus.code').orderBy('skus.id').execute();
      return rows.map((row) => ({
        id: row.id,
        storeId: row.store_id,
        code: row.code,
        name: row.name,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }));
    },
  };
}

export type ReferenceApiRepository = ReturnType<typeof referenceApiRepository>;
