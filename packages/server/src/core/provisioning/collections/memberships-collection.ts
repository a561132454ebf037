import { z } from 'zod';
import type { Role } from '../../model/role';
import { defineCollection, storePaths } from '../collection-definition';
import { idField } from '../field-schemas';
import { mergeEffects, revokeFor, withdrawStoreFromAppGrants } from '../grant-effects';
import { checkOwnerRoleChange, checkStoreKeepsAnOwner, MEMBERSHIPS_TABLE } from '../owner-role-rule';
import type { StoreRecordShape } from '../record-shapes';

const role = z.enum(['owner', 'admin', 'member'], { error: 'must be "owner", "admin" or "member"' });

export type MembershipRecord = StoreRecordShape & { readonly user_id: string; readonly role: Role };

const MANAGING_ROLES: ReadonlySet<Role> = new Set(['owner', 'admin']);

/** A user's role in a store (SPEC §2 roles). The user is fixed; only the role changes. */
export const membershipsCollection = defineCollection<MembershipRecord>()({
  name: 'memberships',
  targetType: 'membership',
  scope: 'store',
  table: MEMBERSHIPS_TABLE,
  staleCaches: ['people'],
  paths: storePaths('memberships'),
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ user_id: idField, role }),
  updateSchema: () => z.strictObject({ role }).partial(),
  references: [{ field: 'user_id', collection: 'users' }],
  uniqueConflict: 'this user already has a membership in this store',
  checkWrite: async ({ tx, actor, storeId, before, after }) => {
    if (storeId === undefined) return;
    const was = before?.role;
    const becomes = (after === undefined ? undefined : (after.role ?? was)) as Role | undefined;
    await tx.lockStore(storeId);
    await checkOwnerRoleChange(tx, actor, storeId, was, becomes);
    if (was === 'owner' && becomes !== 'owner') await checkStoreKeepsAnOwner(tx, storeId, String(before?.user_id));
  },
  effects: {
    // SPEC §1, §2: losing owner or admin takes the store out of the user's app grants. A webapp admits
    // members: its grants stay, and the next refresh narrows them to `*.view`.
    onUpdate: async (ctx, membership, patch) => {
      const losesManagement = MANAGING_ROLES.has(membership.role) && patch.role !== undefined && !MANAGING_ROLES.has(patch.role);
      return losesManagement ? withdrawStoreFromAppGrants(ctx, membership.store_id, membership.user_id) : null;
    },
    // No role at all: app grants lose the store, and a webapp no longer admits the user to it.
    onDelete: async (ctx, membership) => {
      const apps = await withdrawStoreFromAppGrants(ctx, membership.store_id, membership.user_id);
      const webappGrants = await ctx.tx.liveGrantIdsOnStore(membership.store_id, {
        clientKinds: ['webapp'],
        ownerUserId: membership.user_id,
      });
      return mergeEffects(apps, await revokeFor(ctx, { ids: webappGrants }, 'role_lost'));
    },
  },
});
