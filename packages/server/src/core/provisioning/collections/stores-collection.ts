import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { currencyField, nameField, slugField } from '../field-schemas';

const fields = { slug: slugField, name: nameField, currency: currencyField };

/** `/stores`: the tenants. A store-bound token may read and update its own store, nothing more. */
export const storesCollection: CollectionDefinition = {
  name: 'stores',
  targetType: 'store',
  scope: 'global',
  storeActor: 'own_store_only',
  createSchema: () => z.strictObject(fields),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a store with this slug already exists',
};
