import { NotAllowedError } from '../errors/not-allowed-error';
import { InsufficientScopeError } from '../errors/oauth-errors';
import type { AnyCollection } from './collection-definition';
import type { ProvisioningActor } from './provisioning-actor';

export type ProvisioningOperation = 'create' | 'list' | 'read' | 'update' | 'delete' | 'rotate_secret';

/** What a sign-up may do: create the account, nothing else (SPEC §7). */
export const signUpOnly = (): NotAllowedError => new NotAllowedError('signing up creates an account, nothing else');

export const WRITES: ReadonlySet<ProvisioningOperation> = new Set(['create', 'update', 'delete', 'rotate_secret']);

/**
 * SPEC §5: a `provisioning` token acts on its own store only, and never on the server-wide
 * collections. Refusals are 403 (RFC 6750 §3.1 insufficient_scope). Records of the token's other
 * mode are not refused here: they do not exist for it (404), which the service's lookups ensure.
 *
 * SPEC §1: a test-mode token never changes a record that has no mode (the store itself, its
 * memberships, users, apps): test mode is a sandbox, and those records are shared with live mode.
 *
 * SPEC §7: a dashboard sign-up creates a user and nothing else; what a signed-in person may do depends
 * on their role in the store, read from storage by person-access-rule.ts.
 */
export function checkAccess(
  actor: ProvisioningActor,
  collection: AnyCollection,
  operation: ProvisioningOperation,
  storeId: string | undefined,
  recordId?: string,
): void {
  if (actor.kind === 'signup') {
    if (collection.name === 'users' && operation === 'create') return;
    throw signUpOnly();
  }
  if (actor.kind === 'user') {
    if (collection.personAccess === undefined) throw new NotAllowedError(`${collection.name} are not managed from the dashboard`);
    return; // The rest depends on the person's role or records, read by person-access-rule.ts.
  }
  if (actor.kind !== 'store') return;
  if (actor.mode === 'test' && collection.scope !== 'store_mode' && WRITES.has(operation)) {
    throw new InsufficientScopeError(`a test-mode token may not change ${collection.name}: they are shared with live mode`);
  }
  switch (collection.storeActor) {
    case 'forbidden':
      throw new InsufficientScopeError(`a store's token may not manage ${collection.name}`);
    case 'own_store_only':
      if (operation === 'read' || operation === 'update') {
        if (recordId === actor.storeId) return;
        throw new InsufficientScopeError('this token may only act on its own store');
      }
      throw new InsufficientScopeError(`a store's token may not ${operation} ${collection.name}`);
    case 'allowed':
      if (storeId === actor.storeId) return;
      throw new InsufficientScopeError('this token may only act on its own store');
  }
}
