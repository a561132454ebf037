import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { codeField, modeField, nameField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

const fields = { code: codeField, name: nameField };

export type SkuRecord = StoreModeRecordShape & { readonly code: string; readonly name: string };

/** Reference API records (SPEC §6): the products. */
export const skusCollection = defineCollection<SkuRecord>()({
  name: 'skus',
  targetType: 'sku',
  scope: 'store_mode',
  table: { name: 'skus' },
  paths: storePaths('skus'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a SKU with this code already exists in this store and mode',
});
