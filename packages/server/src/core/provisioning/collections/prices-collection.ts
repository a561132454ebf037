import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { idField, modeField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

const amountCents = z
  .number({ error: 'must be a whole number of cents' })
  .int('must be a whole number of cents')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

export type PriceRecord = StoreModeRecordShape & { readonly sku_id: string; readonly price_list_id: string; readonly amount_cents: number };

/** Reference API records (SPEC §6): one price per SKU and price list; the pair is fixed, the amount changes. */
export const pricesCollection = defineCollection<PriceRecord>()({
  name: 'prices',
  targetType: 'price',
  scope: 'store_mode',
  table: { name: 'prices' },
  paths: storePaths('prices'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, sku_id: idField, price_list_id: idField, amount_cents: amountCents }),
  updateSchema: () => z.strictObject({ amount_cents: amountCents }).partial(),
  references: [
    { field: 'sku_id', collection: 'skus' },
    { field: 'price_list_id', collection: 'price_lists' },
  ],
  uniqueConflict: 'this SKU already has a price in this price list',
});
