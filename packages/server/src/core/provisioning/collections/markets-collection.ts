import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { booleanField, codeField, idField, modeField, nameField } from '../field-schemas';

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

export const marketsCollection: CollectionDefinition = {
  name: 'markets',
  targetType: 'market',
  scope: 'store_mode',
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
};
