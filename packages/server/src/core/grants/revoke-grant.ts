import type { GrantRevocation, GrantSelector } from '../model/grant-revocation';
import type { ChangePublisher } from '../ports/change-publisher';
import type { GrantRevoker } from '../ports/grant-revoker';

/**
 * SPEC §1: the one path by which a grant is revoked, whatever the cause (the grants API, a client's
 * revocation, refresh-token reuse, code replay, a failed rule on refresh, a deleted client or person,
 * a password change, a lost role, a compromised key or secret). It stores the revocation with its
 * audit entries and publishes `{grants, id}` on the change channel (SPEC §4), so that caches, other
 * instances and resource servers drop everything issued under the grant. Inside a transaction, pass
 * a ChangeOutbox that is flushed after the commit.
 */
export async function revokeGrants(
  store: GrantRevoker,
  changes: ChangePublisher,
  selector: GrantSelector,
  revocation: GrantRevocation,
): Promise<string[]> {
  const revoked = await store.revokeGrants(selector, revocation);
  for (const id of revoked) changes.publish({ collection: 'grants', id });
  return revoked;
}

/** One grant; `true` when this call revoked it (false: already revoked, or unknown). */
export async function revokeGrant(
  store: GrantRevoker,
  changes: ChangePublisher,
  id: string,
  revocation: GrantRevocation,
): Promise<boolean> {
  return (await revokeGrants(store, changes, { ids: [id] }, revocation)).length === 1;
}
