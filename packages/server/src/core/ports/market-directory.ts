import type { Market, RecordRef, StockLocation } from '../model/market';
import type { Mode } from '../model/mode';
export interface MarketDirectory {
  findMarket(storeId: string, mode: Mode, ref: RecordRef): Promise<Market | undefined>;
  findStockLocation(storeId: string, mode: Mode, ref: RecordRef): Promise<StockLocation | undefined>;
}
