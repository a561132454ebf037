import { z } from 'zod';
import type { CollectionDefinition } from '../collection-definition';
import { emailField, nameField, passwordField } from '../field-schemas';
import { hashPasswordField } from '../hash-password-field';
import { checkStoreKeepsAnOwner } from '../owner-role-rule';

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
  // SPEC §5: deleting a user removes their memberships; the last owner of a store cannot go that way either.
  checkWrite: async ({ tx, before, after }) => {
    if (after !== undefined || before === undefined) return;
    for (const owned of await tx.list('memberships', { fields: { user_id: before.id, role: 'owner' } })) {
      await tx.lockStore(String(owned.store_id));
      await checkStoreKeepsAnOwner(tx, String(owned.store_id), before.id);
    }
  },
};
