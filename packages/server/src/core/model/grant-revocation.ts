import type { AuditActor } from './audit-actor';
import type { RevocationReason } from './grant';
import type { Owner } from './owner';
/** The live grants a revocation reaches. */
export type GrantSelector =
  | { readonly ids: readonly string[] }
  /** A client's grants; with `owner`, only those that person gave it (a connected-app revoke, SPEC §7). */
  | { readonly clientId: string; readonly owner?: Owner }
  | { readonly owner: Owner }
  /** Grants whose API key the signing key `kid` signed (a compromised key rotation). */
  | { readonly apiKeyKid: string };

/** Why, by whom and when (epoch ms) grants are revoked; written on each grant and in its audit entries. */
export interface GrantRevocation {
  readonly reason: RevocationReason;
  readonly actor: AuditActor;
  readonly at: number;
}
