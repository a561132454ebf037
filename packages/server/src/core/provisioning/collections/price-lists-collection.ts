import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { codeField, currencyField, modeField, nameField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

const fields = { code: codeField, name: nameField, currency: currencyField };

export type PriceListRecord = StoreModeRecordShape & { readonly code: string; readonly name: string; readonly currency: string };

/** Prices in one currency (SPEC §1); each market sells from one price list. */
export const priceListsCollection = defineCollection<PriceListRecord>()({
  name: 'price_lists',
  targetType: 'price_list',
  scope: 'store_mode',
  table: { name: 'price_lists' },
  paths: storePaths('price_lists'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a price list with this code already exists in this store and mode',
});
