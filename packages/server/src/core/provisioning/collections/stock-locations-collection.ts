import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { codeField, modeField, nameField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

const fields = { code: codeField, name: nameField };

export type StockLocationRecord = StoreModeRecordShape & { readonly code: string; readonly name: string };

/** Where stock is kept (SPEC §1); a market lists its stock locations in order. */
export const stockLocationsCollection = defineCollection<StockLocationRecord>()({
  name: 'stock_locations',
  targetType: 'stock_location',
  scope: 'store_mode',
  table: { name: 'stock_locations' },
  paths: storePaths('stock_locations'),
  staleCaches: ['markets'],
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a stock location with this code already exists in this store and mode',
});
