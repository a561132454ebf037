import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { modeField, nameField } from '../field-schemas';

export const customerGroupsCollection: CollectionDefinition = {
  name: 'customer_groups',
  targetType: 'customer_group',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, name: nameField }),
  updateSchema: () => z.strictObject({ name: nameField }).partial(),
  references: [],
  uniqueConflict: 'this customer group conflicts with another',
};
