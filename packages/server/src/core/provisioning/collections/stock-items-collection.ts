import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { idField, modeField } from '../field-schemas';

const quantity = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(2_147_483_647, 'is too large');

/** Reference API records (SPEC §6): one stock item per SKU and stock location. */
export const stockItemsCollection: CollectionDefinition = {
  name: 'stock_items',
  targetType: 'stock_item',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, sku_id: idField, stock_location_id: idField, quantity }),
  updateSchema: () => z.strictObject({ quantity }).partial(),
  references: [
    { field: 'sku_id', collection: 'skus' },
    { field: 'stock_location_id', collection: 'stock_locations' },
  ],
  uniqueConflict: 'this SKU already has a stock item in this stock location',
};
