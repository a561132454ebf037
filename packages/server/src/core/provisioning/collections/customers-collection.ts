import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { emailField, idField, modeField, passwordField } from '../field-schemas';
import { hashPasswordField } from '../hash-password-field';

const fields = { email: emailField, password: passwordField, customer_group_id: idField.nullable() };

/** Shoppers: unique email per store and mode; the password is kept only as a scrypt hash. */
export const customersCollection: CollectionDefinition = {
  name: 'customers',
  targetType: 'customer',
  scope: 'store_mode',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ mode: modeField, ...fields, customer_group_id: fields.customer_group_id.default(null) }),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [{ field: 'customer_group_id', collection: 'customer_groups' }],
  uniqueConflict: 'a customer with this email already exists in this store and mode',
  prepareCreate: async (input, tools) => ({ values: await hashPasswordField(input, tools) }),
  prepareUpdate: hashPasswordField,
};
