import { z } from 'zod';
import { defineCollection, storePaths } from '../collection-definition';
import { emailField, idField, modeField, passwordField } from '../field-schemas';
import { passwordChanged, personDeleted } from '../grant-effects';
import { hashPasswordField } from '../hash-password-field';
import type { StoreModeRecordShape } from '../record-shapes';

const fields = { email: emailField, password: passwordField, customer_group_id: idField.nullable() };

/** The password is never part of the record: only its hash is stored, and that never leaves storage. */
export type CustomerRecord = StoreModeRecordShape & { readonly email: string; readonly customer_group_id: string | null };

/** Shoppers: unique email per store and mode; the password is kept only as a scrypt hash. */
export const customersCollection = defineCollection<CustomerRecord>()({
  name: 'customers',
  targetType: 'customer',
  scope: 'store_mode',
  table: { name: 'customers', hidden: ['password_hash'] },
  staleCaches: ['people'],
  paths: storePaths('customers'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields, customer_group_id: fields.customer_group_id.default(null) }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [{ field: 'customer_group_id', collection: 'customer_groups' }],
  uniqueConflict: 'a customer with this email already exists in this store and mode',
  prepareCreate: async (input, tools) => ({ values: await hashPasswordField(input, tools) }),
  prepareUpdate: hashPasswordField,
  effects: {
    onUpdate: async (ctx, customer, patch) =>
      patch.password === undefined ? null : passwordChanged(ctx, { type: 'customer', id: customer.id }),
    onDelete: (ctx, customer) => personDeleted(ctx, { type: 'customer', id: customer.id }),
  },
});
