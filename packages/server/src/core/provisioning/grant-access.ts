import type { Mode } from '../model/mode';
import type { GrantRecord } from '../ports/provisioning-store';
import type { ProvisioningActor } from './provisioning-actor';

/**
 * What part of the grants an actor sees (SPEC §5, §1): the admin token (and the server itself) every
 * grant; a store-bound `provisioning` token only grants that include its store, in its mode. A grant
 * outside that view does not exist for it (404), as with any record of another store or mode.
 */
export function grantViewOf(actor: ProvisioningActor): { readonly storeId?: string; readonly mode?: Mode } {
  return actor.kind === 'store' ? { storeId: actor.storeId, mode: actor.mode } : {};
}

export function canSeeGrant(actor: ProvisioningActor, grant: GrantRecord): boolean {
  if (actor.kind !== 'store') return true;
  return grant.mode === actor.mode && grant.store_ids.includes(actor.storeId);
}
