import { InsufficientScopeError } from '../errors/oauth-errors';
import { RecordConflictError } from '../errors/record-errors';
import type { Role } from '../model/role';
import type { ProvisioningTransaction, TableSpec } from '../ports/provisioning-store';
import type { ProvisioningActor } from './provisioning-actor';

/** The memberships' table: the owner rule reads it across the store's rows (memberships-collection.ts declares it too). */
export const MEMBERSHIPS_TABLE: TableSpec = { name: 'memberships' };

/**
 * SPEC §5: only an owner (or the admin token, or the server itself) grants or removes the owner role.
 * A store-bound token counts as an owner only when it acts for a user who is an owner of that store
 * now; a client acting for itself (an integration's client_credentials token) is nobody's owner, and
 * neither is a sign-up.
 */
export async function checkOwnerRoleChange(
  tx: ProvisioningTransaction,
  actor: ProvisioningActor,
  storeId: string,
  before: Role | undefined,
  after: Role | undefined,
): Promise<void> {
  if (before !== 'owner' && after !== 'owner') return;
  if (before === after) return;
  if (actor.kind === 'admin' || actor.kind === 'system') return;
  // A person in the dashboard counts for themselves, a store's token for the user it acts for.
  const userId = actor.kind === 'user' ? actor.userId : actor.kind === 'store' ? actor.ownerUserId : null;
  const acting = !userId ? [] : await tx.list(MEMBERSHIPS_TABLE, { storeId, fields: { user_id: userId } });
  if (acting[0]?.role !== 'owner') throw new InsufficientScopeError('only an owner of the store may grant or remove the owner role');
}

/**
 * SPEC §5: the last owner of a store cannot be removed (409): not demoted, not deleted as a member,
 * not deleted as a user. Called inside the write's transaction after the store is locked, so that two
 * owners removed at once cannot both find the other still there.
 */
export async function checkStoreKeepsAnOwner(tx: ProvisioningTransaction, storeId: string, leavingUserId: string): Promise<void> {
  const owners = await tx.list(MEMBERSHIPS_TABLE, { storeId, fields: { role: 'owner' } });
  if (owners.some((m) => m.user_id !== leavingUserId)) return;
  throw new RecordConflictError('this is the last owner of the store; make another member owner first');
}
