import { z } from 'zod';
import { defineCollection, serverPaths } from '../collection-definition';
import { emailField, nameField, passwordField } from '../field-schemas';
import { mergeEffects, passwordChanged, personDeleted, revokeClients } from '../grant-effects';
import { hashPasswordField } from '../hash-password-field';
import { checkStoreKeepsAnOwner, MEMBERSHIPS_TABLE } from '../owner-role-rule';
import type { RecordShape } from '../record-shapes';
import { appsCollection } from './apps-collection';

const fields = { email: emailField, password: passwordField, name: nameField };

/** The password is never part of the record: only its hash is stored, and that never leaves storage. */
export type UserRecord = RecordShape & { readonly email: string; readonly name: string };

/** Staff and developers: server-wide, so only the admin token manages them. */
export const usersCollection = defineCollection<UserRecord>()({
  name: 'users',
  targetType: 'user',
  scope: 'global',
  table: { name: 'users', hidden: ['password_hash'] },
  staleCaches: ['people'],
  paths: serverPaths('users'),
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
    for (const owned of await tx.list(MEMBERSHIPS_TABLE, { fields: { user_id: before.id, role: 'owner' } })) {
      await tx.lockStore(String(owned.store_id));
      await checkStoreKeepsAnOwner(tx, String(owned.store_id), before.id);
    }
  },
  effects: {
    onUpdate: async (ctx, user, patch) => (patch.password === undefined ? null : passwordChanged(ctx, { type: 'user', id: user.id })),
    onDelete: async (ctx, user) => {
      const own = await personDeleted(ctx, { type: 'user', id: user.id });
      // The user's apps go with the user (ON DELETE CASCADE), and so do the grants other people gave them.
      const apps = await ctx.tx.list(appsCollection.table, { fields: { owner_user_id: user.id } });
      // Resource servers learn that every token of those apps has ended.
      for (const app of apps) ctx.outbox.publish({ collection: 'apps', id: app.id, tokensEndedAt: Math.floor(ctx.at / 1000) });
      return mergeEffects(
        own,
        await revokeClients(
          ctx,
          apps.map((a) => String(a.client_id)),
        ),
      );
    },
  },
});
