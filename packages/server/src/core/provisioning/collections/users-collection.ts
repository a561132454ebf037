import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { emailField, nameField, passwordField } from '../field-schemas';
import { hashPasswordField } from '../hash-password-field';

const fields = { email: emailField, password: passwordField, name: nameField };

/** Staff and developers: server-wide, so only the admin token manages them. */
export const usersCollection: CollectionDefinition = {
  name: 'users',
  targetType: 'user',
  scope: 'global',
  storeActor: 'forbidden',
  createSchema: () => z.strictObject(fields),
  updateSchema: () => z.strictObject(fields).partial(),
  references: [],
  uniqueConflict: 'a user with this email already exists',
  prepareCreate: async (input, tools) => ({ values: await hashPasswordField(input, tools) }),
  prepareUpdate: hashPasswordField,
};
