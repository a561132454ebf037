import type { AuditActor } from '../audit/audit-actor';
import type { ChangePublisher } from '../change-outbox';
import type { RevocationReason } from './grant-store';

/** The live grants a revocation reaches. */
export type GrantSelector =
  | { readonly ids: readonly string[] }
  | { readonly clientId: string }
  | { readonly owner: { readonly type: 'customer' | 'user'; readonly id: string } }
  /** Grants whose API key the signing key `kid` signed (a compromised key rotation). */
  | { readonly apiKeyKid: string };

/** Why, by whom and when (epoch ms) grants are revoked; written on each grant and in its audit entries. */
export interface GrantRevocation {
  readonly reason: RevocationReason;
  readonly actor: AuditActor;
  readonly at: number;
}

/**
 * What storage does for a revocation: marks the live grants the selector reaches revoked and writes one
 * audit entry per grant and store, atomically (inside the caller's transaction when there is one, so
 * that a grant dies with its cause). Returns the ids it revoked; grants already revoked are left alone.
 */
export interface GrantRevoker {
  revokeGrants(selector: GrantSelector, revocation: GrantRevocation): Promise<string[]>;
}

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
