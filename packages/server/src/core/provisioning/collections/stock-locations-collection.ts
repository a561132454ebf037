import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { codeField, modeField, nameField } from '../field-schemas';

const fields = { code: codeField, name: nameField };

export const stockLocationsCollection: CollectionDefinition = {
  name: 'stock_locations',
  targetType: 'stock_location',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a stock location with this code already exists in this store and mode',
};
