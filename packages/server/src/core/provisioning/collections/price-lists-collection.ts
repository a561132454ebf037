import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { codeField, currencyField, modeField, nameField } from '../field-schemas';

const fields = { code: codeField, name: nameField, currency: currencyField };

export const priceListsCollection: CollectionDefinition = {
  name: 'price_lists',
  targetType: 'price_list',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a price list with this code already exists in this store and mode',
};
