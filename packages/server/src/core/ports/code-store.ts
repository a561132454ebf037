import type { AuditActor } from '../model/audit-actor';
import type { Grant } from '../model/grant';
import type { Owner } from '../model/owner';
import type { NewRefreshToken } from './grant-store';
/** An authorization code as stored (by its keyed hash): what it was issued for and to whom. */
export interface StoredCode {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Whether the authorization request carried redirect_uri (RFC 6749 §4.1.3: then it must be repeated). */
  readonly redirectUriSent: boolean;
  readonly codeChallenge: string | null;
  readonly scope: string;
  readonly storeIds: readonly string[];
  readonly owner: Owner;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly grantId: string | null;
}

export type RedemptionOutcome = 'redeemed' | 'already_used';

/** adapters/sql/code-repository.ts */
export interface CodeStore {
  save(codeHash: string, code: StoredCode): Promise<void>;
  find(codeHash: string): Promise<StoredCode | undefined>;
  /**
   * One transaction: mark the code used only if it is unused (exactly one caller wins), create the
   * grant with its first refresh token (and the API key's signing key, for the app exchange), and
   * record the grant on the code so that a replay can revoke it. The grant's audit entries name `actor`.
   */
  redeem(
    codeHash: string,
    now: number,
    grant: Grant,
    refresh: NewRefreshToken | null,
    actor: AuditActor,
    apiKeyKid?: string,
  ): Promise<RedemptionOutcome>;
  /** Deletes codes expired more than 24 h ago (they are kept that long to tell expired from unknown). */
  sweep(now: number): Promise<void>;
}
