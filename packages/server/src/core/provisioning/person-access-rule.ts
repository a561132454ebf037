import { NotAllowedError } from '../errors/not-allowed-error';
import { RecordNotFoundError } from '../errors/record-errors';
import type { Role } from '../model/role';
import type { ProvisioningReader, RecordScope } from '../ports/provisioning-store';
import { type ProvisioningOperation, WRITES } from './check-access';
import type { AnyCollection } from './collection-definition';
import { MEMBERSHIPS_TABLE } from './owner-role-rule';
import type { ProvisioningActor } from './provisioning-actor';

/** SPEC §7: in a store, owners and admins change what the dashboard manages; members may look. */
export const roleMayChange = (role: Role): boolean => role === 'owner' || role === 'admin';

/** `roleMayChange`, or a NotAllowedError (403) that says who may. */
export function requireRoleMayChange(role: Role): void {
  if (!roleMayChange(role)) throw new NotAllowedError('members of a store may look, not change: ask an owner or admin of the store');
}

/** The person's role in the store, or undefined when they have none there. */
export async function roleIn(reader: Pick<ProvisioningReader, 'list'>, storeId: string, userId: string): Promise<Role | undefined> {
  const [membership] = await reader.list(MEMBERSHIPS_TABLE, { storeId, fields: { user_id: userId } });
  return membership?.role as Role | undefined;
}

/**
 * The narrowing a person's lookups get in an `own` collection: other people's records do not exist
 * for them (404), as a record of another store does not exist for a store's token.
 */
export function personScope(actor: ProvisioningActor, def: AnyCollection): Pick<RecordScope, 'fields'> {
  const access = def.personAccess;
  return actor.kind === 'user' && access?.rule === 'own' ? { fields: { [access.field]: actor.userId } } : {};
}

/**
 * SPEC §7: what a person signed in to the dashboard may do in a collection, as the collection
 * declares it (`personAccess`): in an `own` collection (apps) the records that name them, which they
 * create for themselves alone and never hand to someone else; in a `store_role` collection
 * (credentials) the records of a store where they are a member, which owners and admins change and
 * members may only look at (SPEC §2 roles). Nothing anywhere else.
 *
 * The rule itself, for a person (other actors pass: check-access.ts has theirs). Reads the person's
 * role through `reader`: inside the write's transaction for a write, so that a role lost meanwhile
 * is seen. `values` are the parsed create or patch fields.
 *
 * @throws NotAllowedError (403) for what the person may not do
 * @throws RecordNotFoundError (404) for a store where they have no role
 */
export async function checkPersonAccess(
  reader: Pick<ProvisioningReader, 'list'>,
  actor: ProvisioningActor,
  def: AnyCollection,
  operation: ProvisioningOperation,
  storeId: string | undefined,
  values?: Readonly<Record<string, unknown>>,
): Promise<void> {
  const access = def.personAccess;
  // checkAccess (check-access.ts) has already refused a person where the collection declares nothing.
  if (actor.kind !== 'user' || access === undefined) return;
  if (access.rule === 'own') {
    const named = values?.[access.field];
    if ((operation === 'create' && named !== actor.userId) || (operation === 'update' && named !== undefined && named !== actor.userId)) {
      throw new NotAllowedError(`you may only manage your own ${def.name}`);
    }
    return;
  }
  await checkStoreRole(reader, actor.userId, storeId ?? '', WRITES.has(operation) ? 'change' : 'look');
}

/**
 * SPEC §7 in a store: any member may look (credentials, the activity log); only owners and admins
 * change. A store where the person has no role does not exist for them.
 */
export async function checkStoreRole(
  reader: Pick<ProvisioningReader, 'list'>,
  userId: string,
  storeId: string,
  wants: 'look' | 'change',
): Promise<Role> {
  const role = await roleIn(reader, storeId, userId);
  if (role === undefined) throw new RecordNotFoundError('store', storeId);
  if (wants === 'change') requireRoleMayChange(role);
  return role;
}
