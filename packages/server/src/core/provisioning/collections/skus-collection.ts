import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { codeField, modeField, nameField } from '../field-schemas';

const fields = { code: codeField, name: nameField };

/** Reference API records (SPEC §6): the products. */
export const skusCollection: CollectionDefinition = {
  name: 'skus',
  targetType: 'sku',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a SKU with this code already exists in this store and mode',
};
