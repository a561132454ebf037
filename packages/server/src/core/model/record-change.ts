/**
 * A record that changed, named by its collection (`credentials`, `markets`, `grants`,
 * `access_tokens`, ...). Two collections carry what a resource server needs to refuse tokens
 * without asking (SPEC §4): a revoked access token its `exp`, and a deleted credential or app (or one
 * whose secret was rotated as compromised) the moment before which its tokens are dead.
 */
export interface RecordChange {
  readonly collection: string;
  readonly id: string;
  /** `access_tokens`: the revoked token's `exp`, in epoch seconds (the entry is useless afterwards). */
  readonly exp?: number;
  /** `credentials`, `apps`: every token of this client issued at or before this epoch second is dead. */
  readonly tokensEndedAt?: number;
}
