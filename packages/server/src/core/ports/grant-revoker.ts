import type { GrantRevocation, GrantSelector } from '../model/grant-revocation';
/**
 * What storage does for a revocation: marks the live grants the selector reaches revoked and writes one
 * audit entry per grant and store, atomically (inside the caller's transaction when there is one, so
 * that a grant dies with its cause). Returns the ids it revoked; grants already revoked are left alone.
 */
export interface GrantRevoker {
  revokeGrants(selector: GrantSelector, revocation: GrantRevocation): Promise<string[]>;
}
