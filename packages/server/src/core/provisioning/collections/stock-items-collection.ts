import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { idField, modeField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

const quantity = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(2_147_483_647, 'is too large');

export type StockItemRecord = StoreModeRecordShape & {
  readonly sku_id: string;
  readonly stock_location_id: string;
  readonly quantity: number;
};

/** Reference API records (SPEC §6): one stock item per SKU and stock location. */
export const stockItemsCollection = defineCollection<StockItemRecord>()({
  name: 'stock_items',
  targetType: 'stock_item',
  scope: 'store_mode',
  table: { name: 'stock_items' },
  paths: storePaths('stock_items'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, sku_id: idField, stock_location_id: idField, quantity }),
  updateSchema: () => z.strictObject({ quantity }).partial(),
  references: [
    { field: 'sku_id', collection: 'skus' },
    { field: 'stock_location_id', collection: 'stock_locations' },
  ],
  uniqueConflict: 'this SKU already has a stock item in this stock location',
});
