import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { modeField, nameField } from '../field-schemas';
import type { StoreModeRecordShape } from '../record-shapes';

export type CustomerGroupRecord = StoreModeRecordShape & { readonly name: string };

/** Shoppers grouped for private markets (SPEC §1: a market with a customer group is private). */
export const customerGroupsCollection = defineCollection<CustomerGroupRecord>()({
  name: 'customer_groups',
  targetType: 'customer_group',
  scope: 'store_mode',
  table: { name: 'customer_groups' },
  paths: storePaths('customer_groups'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, name: nameField }),
  updateSchema: () => z.strictObject({ name: nameField }).partial(),
  references: [],
  uniqueConflict: 'this customer group conflicts with another',
});
