import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { booleanField, codeField, idField, modeField, nameField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

/** Ordered: the first stock location is the market's preferred one (SPEC §4 `market.stock_location_ids`). */
const stockLocationIds = z
  .array(idField, { error: 'must be a list of stock location ids' })
  .min(1, 'must hold at least one stock location')
  .max(50, 'must hold at most 50 stock locations')
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', path: [index], message: 'is listed twice' });
    });
  });

const fields = {
  code: codeField,
  name: nameField,
  active: booleanField,
  price_list_id: idField,
  stock_location_ids: stockLocationIds,
  /** A market with a customer group is private (SPEC §1); `null` on update makes it public again. */
  customer_group_id: idField.nullable(),
};

export type MarketRecord = StoreModeRecordShape & {
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
  readonly price_list_id: string;
  readonly stock_location_ids: readonly string[];
  readonly customer_group_id: string | null;
};

/** Where and to whom a store sells (SPEC §1): a price list, ordered stock locations, maybe a customer group. */
export const marketsCollection = defineCollection<MarketRecord>()({
  name: 'markets',
  targetType: 'market',
  scope: 'store_mode',
  table: {
    name: 'markets',
    flags: ['active'],
    orderedList: {
      field: 'stock_location_ids',
      table: 'market_stock_locations',
      ownerColumn: 'market_id',
      itemColumn: 'stock_location_id',
    },
  },
  paths: storePaths('markets'),
  staleCaches: ['markets'],
  storeActor: 'allowed',
  createSchema: () =>
    z.strictObject({
      mode: modeField,
      ...fields,
      active: booleanField.default(true),
      customer_group_id: fields.customer_group_id.default(null),
    }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [
    { field: 'price_list_id', collection: 'price_lists' },
    { field: 'stock_location_ids', collection: 'stock_locations', many: true },
    { field: 'customer_group_id', collection: 'customer_groups' },
  ],
  uniqueConflict: 'a market with this code already exists in this store and mode',
});
