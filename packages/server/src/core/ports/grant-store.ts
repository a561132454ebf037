import type { AuditActor } from '../model/audit-actor';
import type { Grant } from '../model/grant';
import type { Mode } from '../model/mode';
import type { Owner } from '../model/owner';
import type { GrantRevoker } from './grant-revoker';
export interface NewRefreshToken {
  readonly id: string;
  readonly tokenHash: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface StoredRefreshToken {
  readonly id: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly successorCipher: string | null;
  readonly graceUntil: number | null;
  /** Whether the token issued in exchange for this one is still unused (grace: immediate predecessor only). */
  readonly successorUnused: boolean;
  readonly grant: Grant;
}

export type RotationOutcome = 'rotated' | 'already_used' | 'grant_inactive';

/** An access token being denylisted (RFC 7009), with what its audit entry needs. */
export interface AccessTokenRevocation {
  readonly jti: string;
  readonly grantId: string | null;
  /** The token's own expiry (epoch ms): the denylist entry is useless afterwards. */
  readonly expiresAt: number;
  readonly storeIds: readonly string[];
  readonly mode: Mode;
  readonly actor: AuditActor;
  readonly at: number;
}

/** Grants, refresh tokens, the access-token denylist and used assertions. adapters/sql/grant-repository.ts. */
export interface GrantStore extends GrantRevoker {
  /** The grant, its stores, (optionally) its first refresh token and its audit entries, in one transaction. */
  create(grant: Grant, refresh: NewRefreshToken | null, actor: AuditActor): Promise<void>;
  findGrant(id: string): Promise<Grant | undefined>;
  /**
   * The store sets of the person's live grants of this client with exactly this scope (consent reuse),
   * each distinct non-empty set once; a grant without stores reuses nothing. `within`: only sets
   * whose stores are all among these; `limit`: at most this many sets (the database stops looking).
   */
  liveGrantStoreSets(
    clientId: string,
    owner: Owner,
    scope: string,
    now: number,
    options?: { readonly within?: readonly string[]; readonly limit?: number },
  ): Promise<string[][]>;
  findRefreshToken(tokenHash: string): Promise<StoredRefreshToken | undefined>;
  /**
   * The refresh token a refresh is about to rotate, possibly from a copy this instance kept of what
   * storage last told it (ADR 0034): the copy may not show a use or a revocation made since, elsewhere,
   * so only `rotate` decides. Everything that answers from the token's state itself (introspection,
   * revocation, a replay) reads `findRefreshToken`.
   */
  findRefreshTokenToRotate(tokenHash: string): Promise<StoredRefreshToken | undefined>;
  /**
   * One transaction: mark the old token used (only if it is still unused: exactly one caller wins a
   * race), check the grant is still live (locking it against a concurrent revoke), insert the successor.
   */
  rotate(input: {
    oldId: string;
    grantId: string;
    now: number;
    next: NewRefreshToken;
    successorCipher: string | null;
    graceUntil: number | null;
  }): Promise<RotationOutcome>;
  /** Denylists an access token by `jti` until its own expiry, with its audit entries (once per `jti`). */
  revokeAccessToken(revocation: AccessTokenRevocation): Promise<void>;
  isAccessTokenRevoked(jti: string): Promise<boolean>;
  /** Remembers a JWT-bearer assertion id until it expires; false if it was already used. */
  rememberAssertion(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
  /** Deletes what has expired: denylist entries, assertion ids, grace-window ciphers, dead refresh tokens. */
  sweep(now: number): Promise<void>;
}
