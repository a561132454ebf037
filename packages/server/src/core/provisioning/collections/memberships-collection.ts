import { z } from 'zod';
import type { Role } from '../../model/role';
import type { CollectionDefinition } from '../collection-definition';
import { idField } from '../field-schemas';
import { checkOwnerRoleChange, checkStoreKeepsAnOwner } from '../owner-role-rule';

const role = z.enum(['owner', 'admin', 'member'], { error: 'must be "owner", "admin" or "member"' });

/** A user's role in a store (SPEC §2 roles). The user is fixed; only the role changes. */
export const membershipsCollection: CollectionDefinition = {
  name: 'memberships',
  targetType: 'membership',
  scope: 'store',
  storeActor: 'allowed',
  createSchema: () => z.strictObject({ user_id: idField, role }),
  updateSchema: () => z.strictObject({ role }).partial(),
  references: [{ field: 'user_id', collection: 'users' }],
  uniqueConflict: 'this user already has a membership in this store',
  checkWrite: async ({ tx, actor, storeId, before, after }) => {
    if (storeId === undefined) return;
    const was = before?.role as Role | undefined;
    const becomes = (after === undefined ? undefined : (after.role ?? was)) as Role | undefined;
    await tx.lockStore(storeId);
    await checkOwnerRoleChange(tx, actor, storeId, was, becomes);
    if (was === 'owner' && becomes !== 'owner') await checkStoreKeepsAnOwner(tx, storeId, String(before?.user_id));
  },
};
