import { NotAllowedError } from '../errors/not-allowed-error';
import type { Mode } from '../model/mode';
import type { GrantRecord } from '../ports/provisioning-store';
import { signUpOnly } from './check-access';
import type { GrantListFilter } from './grant-list-query';
import type { ProvisioningActor } from './provisioning-actor';

/**
 * What part of the grants an actor sees (SPEC §5, §1): the admin token (and the server itself) every
 * grant; a store-bound `provisioning` token only grants that include its store, in its mode; a person
 * signed in to the dashboard only the grants they gave (SPEC §7 connected apps). A grant outside that
 * view does not exist for it (404), as with any record of another store or mode.
 */
export function grantViewOf(actor: ProvisioningActor): { readonly storeId?: string; readonly mode?: Mode } {
  return actor.kind === 'store' ? { storeId: actor.storeId, mode: actor.mode } : {};
}

export function canSeeGrant(actor: ProvisioningActor, grant: GrantRecord): boolean {
  switch (actor.kind) {
    case 'admin':
    case 'system':
      return true;
    case 'store':
      return grant.mode === actor.mode && grant.store_ids.includes(actor.storeId);
    case 'user':
      return grant.owner_type === 'user' && grant.owner_id === actor.userId;
    case 'signup':
      return false;
  }
}

/** A person lists their own grants, by their own id, and nobody else's (SPEC §7). */
export function checkGrantListing(actor: ProvisioningActor, filter: GrantListFilter): void {
  if (actor.kind === 'signup') throw signUpOnly();
  if (actor.kind === 'user' && !('userId' in filter && filter.userId === actor.userId)) {
    throw new NotAllowedError('a person lists only the grants they gave');
  }
}
