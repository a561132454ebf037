import type { Mode } from '../core/model/mode';

/** What a token's `market` claim narrows a SKU list to (SPEC §6): the market's price list and its stock locations. */
export interface SellableIn {
  readonly priceListId: string;
  /** Already narrowed to the stock location in scope, when there is one (SPEC §4). */
  readonly stockLocationIds: readonly string[];
}

export interface StoreRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly currency: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface MarketRecord {
  readonly id: string;
  readonly storeId: string;
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
  readonly priceListId: string;
  readonly customerGroupId: string | null;
  readonly stockLocationIds: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SkuRecord {
  readonly id: string;
  readonly storeId: string;
  readonly code: string;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The reference API's reads (its port; adapters/sql/reference-api-repository.ts on both databases). */
export interface ReferenceApiRecords {
  findStore(id: string): Promise<StoreRecord | undefined>;
  /** The stores with these ids, in id order (a token's `store` or `stores`). */
  listStores(ids: readonly string[]): Promise<StoreRecord[]>;
  listMarkets(storeIds: readonly string[], mode: Mode): Promise<MarketRecord[]>;
  listSkus(storeIds: readonly string[], mode: Mode, sellableIn?: SellableIn): Promise<SkuRecord[]>;
}
